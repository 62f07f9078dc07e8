import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { detectLanguage, type PromptLanguage } from '../../shared/i18n/language';
import { AgentBridgeClient } from '../agent-bridge/agent-bridge.client';
import { SessionRegistry } from '../sessions/session-registry.service';

/** Warms the audio worker pool (provided by the chat module once it exists). */
export const AUDIO_WARMUP = Symbol('AUDIO_WARMUP');
export type AudioWarmup = () => Promise<void>;

/** UI languages the front end ships (i18next codes). */
export type UiLanguage = 'zh-CN' | 'en';

/**
 * The start-up event handlers of spec §1.3 / issue 4, in the seed's order: Steamworks, ZeroMQ
 * bridge, audio pool, language. Each step is optional: a failure is logged and the start goes on.
 */
@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');
  /** The user's language from the system locale (or NEKO_LANGUAGE). */
  readonly language: PromptLanguage = detectLanguage();
  /** Steamworks has no binding on this platform; every Steam-only endpoint says so. */
  readonly steamAvailable = false;

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly bridge: AgentBridgeClient,
    @Optional() @Inject(AUDIO_WARMUP) private readonly warmAudio?: AudioWarmup,
  ) {}

  get uiLanguage(): UiLanguage {
    return this.language === 'zh' ? 'zh-CN' : 'en';
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.step('steamworks', () => {
      this.logger.log('Steamworks is not available on this system; Steam workshop and achievements answer "Steam is not available"');
    });
    await this.step('agent bridge', () => {
      this.logger.log(`ZeroMQ bridge to the agent is up (${this.bridge.constructor.name})`);
    });
    await this.step('audio worker pool', async () => {
      if (this.warmAudio) await this.warmAudio();
    });
    await this.step('language', () => this.logger.log(`user language: ${this.language} (UI ${this.uiLanguage}); ${this.sessions.names().length} character(s)`));
  }

  private async step(name: string, run: () => void | Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.logger.warn(`start-up step "${name}" failed, continuing: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
