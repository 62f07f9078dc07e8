import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AgentBridgeClient } from '../agent-bridge/agent-bridge.client';
import { AUDIO_POOL, type AudioPool } from '../audio/audio-pool.port';
import { CHAT_MEMORY, type ChatMemory } from '../chat-memory/chat-memory.port';
import { LLM_SESSION_FACTORY, type LlmSessionFactory } from '../llm/llm-session.port';
import type { SessionManager } from '../sessions/session-manager';
import { SessionRegistry } from '../sessions/session-registry.service';
import { SPEECH_OUTPUT_FACTORY, type SpeechOutputFactory } from '../tts/speech-output.port';
import { CharactersService } from '../../shared/config/characters.service';
import { RUNTIME_ENV } from '../../shared/config/config.tokens';
import type { RuntimeEnv } from '../../shared/config/env.schema';
import type { ChatEngineDeps } from './chat-session.context';
import { ChatSessionEngine } from './chat-session.engine';

/**
 * Gives every character's SessionManager its chat engine (chat, end hook, proactive delivery),
 * also to managers the registry creates later (a new or renamed character), and ends every
 * session on shutdown so the last turns reach the memory outbox.
 */
@Injectable()
export class ChatEnginesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ChatEngine');
  private readonly engines = new Map<SessionManager, ChatSessionEngine>();
  private readonly deps: ChatEngineDeps;
  private subscription: Subscription | undefined;

  constructor(
    private readonly registry: SessionRegistry,
    @Inject(LLM_SESSION_FACTORY) llm: LlmSessionFactory,
    @Inject(SPEECH_OUTPUT_FACTORY) speech: SpeechOutputFactory,
    @Inject(AUDIO_POOL) audio: AudioPool,
    @Inject(CHAT_MEMORY) memory: ChatMemory,
    agent: AgentBridgeClient,
    characters: CharactersService,
    @Inject(RUNTIME_ENV) env: RuntimeEnv,
  ) {
    this.deps = {
      llm,
      speech,
      audio,
      memory,
      agent,
      masterName: async () => (await characters.data()).masterName,
      timings: env.chat,
      logger: this.logger,
    };
  }

  /** After every onModuleInit: the registry has read characters.json by then. */
  onApplicationBootstrap(): void {
    this.sync();
    this.subscription = this.registry.changes$.subscribe((change) => {
      if (change.kind === 'characters') this.sync();
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    const engines = [...this.engines.values()];
    this.engines.clear();
    await Promise.allSettled(engines.map((e) => e.close()));
  }

  /** The engine of a character by name (agent events). */
  engineFor(name: string): ChatSessionEngine | undefined {
    const manager = this.registry.get(name);
    return manager ? this.engines.get(manager) : undefined;
  }

  private sync(): void {
    const managers = new Set(this.registry.all());
    for (const manager of managers) if (!this.engines.has(manager)) this.attach(manager);
    for (const [manager, engine] of this.engines) {
      if (managers.has(manager)) continue;
      // The registry ended its session already; what is left is dropped with the manager.
      this.engines.delete(manager);
      void engine.close().catch(() => undefined);
    }
  }

  private attach(manager: SessionManager): void {
    const engine = new ChatSessionEngine(manager, this.deps);
    this.engines.set(manager, engine);
    manager.chat = (frame) => engine.chat(frame);
    manager.onEndSession((byServer) => engine.endNow(byServer));
    manager.deliverProactive = (text) => engine.deliverProactive(text);
  }
}
