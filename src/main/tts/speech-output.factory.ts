import { Logger } from '@nestjs/common';
import type { CoreConfig, ModelApiConfig, ModelTier } from '../../shared/config/core-config.derive';
import type { AudioPool } from '../audio/audio-pool.port';
import { COSYVOICE_URL, CosyVoiceDuplexAdapter } from './cosyvoice-duplex.adapter';
import { EspeakPoolAdapter, type EspeakWorkerRunner } from './espeak-pool.adapter';
import { OpenAiSpeechAdapter } from './openai-speech.adapter';
import { QWEN_TTS_URL, QwenRealtimeTtsAdapter } from './qwen-realtime-tts.adapter';
import type { SpeechOutput, SpeechOutputFactory, SpeechOutputRequest, SpeechSink } from './speech-output.port';
import { SpeechOutputSession, type SpeechEngine } from './speech-output.session';

/** Where the choice comes from: core_config.json read now (CoreConfigService). */
export interface SpeechConfigSource {
  config(): Promise<CoreConfig>;
  modelConfig(tier: ModelTier): Promise<ModelApiConfig>;
}

export interface SpeechOutputFactoryOptions {
  /** Qwen realtime TTS socket (default DashScope's; tests point it at the fake provider). */
  readonly qwenTtsUrl?: string;
  /** CosyVoice duplex socket (default DashScope's). */
  readonly cosyVoiceUrl?: string;
  /** SpeechOutput.start() bound (spec §7.2: 8 s). */
  readonly startTimeoutMs?: number;
}

/** The offline voice's engine, shared by every session (it keeps no per-session state). */
export function offlineEngine(pool: EspeakWorkerRunner): SpeechEngine {
  return { name: 'espeak-ng', tts: new EspeakPoolAdapter(pool) };
}

/**
 * SpeechOutputFactory (spec main-server.md §7.1), reading core_config.json at every create so a
 * setting saved in the UI applies to the next session:
 * 0. a character with its own voice (`voiceId`) → DashScope CosyVoice with the `tts_custom` key (Ogg/Opus);
 * 1. the user's own TTS tier (`enableCustomApi` + `ttsModelUrl|Id|ApiKey` complete) → OpenAI-compatible `/audio/speech`;
 * 2. else core provider `qwen` with a key → Qwen realtime TTS (voice Cherry);
 * 3. else the offline espeak-ng voice in the worker pool.
 * A remote TTS that does not start, or fails for good mid-utterance, hands over to the offline
 * voice for the rest of the session (SpeechOutputSession).
 */
export class SpeechOutputFactoryService implements SpeechOutputFactory {
  private readonly logger = new Logger('SpeechOutputFactory');
  private readonly offline: SpeechEngine;
  private warnedNoVoiceKey = false;

  constructor(
    private readonly config: SpeechConfigSource,
    private readonly pool: AudioPool & EspeakWorkerRunner,
    private readonly options: SpeechOutputFactoryOptions = {},
  ) {
    this.offline = offlineEngine(pool);
  }

  async create(request: SpeechOutputRequest, sink: SpeechSink): Promise<SpeechOutput> {
    const engine = await this.choose(request.voiceId).catch((err: unknown) => {
      this.logger.warn(`could not read the TTS settings, using the offline voice: ${(err as Error).message}`);
      return this.offline;
    });
    // The offline voice's thread starts while the model thinks about its first words.
    if (engine === this.offline) void this.pool.warmUp().catch((err: unknown) => this.logger.warn(`worker pool warm-up failed: ${(err as Error).message}`));
    return new SpeechOutputSession(engine, sink, {
      language: request.language,
      fallback: this.offline,
      startTimeoutMs: this.options.startTimeoutMs,
      logger: new Logger(`SpeechOutput ${request.lanlanName}`),
    });
  }

  /** A fresh engine per session (remote ones hold a connection). */
  async choose(voiceId = ''): Promise<SpeechEngine> {
    if (voiceId) {
      const key = (await this.config.modelConfig('tts_custom')).apiKey;
      if (key) {
        const cosy = new CosyVoiceDuplexAdapter({ apiKey: key, voice: voiceId, url: this.options.cosyVoiceUrl ?? COSYVOICE_URL });
        return { name: 'cosyvoice', tts: cosy, close: () => cosy.close() };
      }
      if (!this.warnedNoVoiceKey) this.logger.warn('a character has its own voice but no DashScope key is set for it (tts_custom): using the default TTS');
      this.warnedNoVoiceKey = true;
    }
    const tts = await this.config.modelConfig('tts_default');
    if (tts.isCustom && tts.baseUrl && tts.model) {
      const resampler = (inRate: number, outRate: number) => this.pool.resampler(inRate, outRate);
      return { name: 'openai-speech', tts: new OpenAiSpeechAdapter({ baseUrl: tts.baseUrl, apiKey: tts.apiKey || undefined, model: tts.model, resampler }) };
    }
    const cfg = await this.config.config();
    if (cfg.coreApiType === 'qwen' && cfg.core.apiKey) {
      const qwen = new QwenRealtimeTtsAdapter({
        apiKey: cfg.core.apiKey,
        url: this.options.qwenTtsUrl ?? QWEN_TTS_URL,
        resampler: () => this.pool.resampler(24_000, 48_000),
      });
      return { name: 'qwen-realtime', tts: qwen, connect: () => qwen.connect(), close: () => qwen.close() };
    }
    return this.offline;
  }
}
