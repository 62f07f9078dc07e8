import { Module } from '@nestjs/common';
import { AudioModule } from '../audio/audio.module';
import { AudioPoolService } from '../audio/audio-pool.service';
import type { ModelApiConfig, ModelTier } from '../../shared/config/core-config.derive';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { EspeakNgAdapter } from './espeak-ng.adapter';
import { EspeakPoolAdapter } from './espeak-pool.adapter';
import { OpenAiSpeechAdapter } from './openai-speech.adapter';
import { SPEECH_OUTPUT_FACTORY } from './speech-output.port';
import { SpeechOutputFactoryService } from './speech-output.factory';
import { TTS_PORT, type TtsPort, type TtsSynthesizeOptions } from './tts.port';

/** Where the TTS endpoint comes from (CoreConfigService; a stub in tests). */
export interface TtsConfigSource {
  modelConfig(tier: ModelTier): Promise<ModelApiConfig>;
}

export type RemoteTtsFactory = (endpoint: ModelApiConfig) => TtsPort;

const openAiSpeech: RemoteTtsFactory = (c) => new OpenAiSpeechAdapter({ baseUrl: c.baseUrl, apiKey: c.apiKey || undefined, model: c.model });

/**
 * The TTS port of the main server, decided per call so a setting saved in the UI applies to the
 * next sentence: the user's own OpenAI-compatible TTS endpoint (`ttsModelUrl|Id|ApiKey` with
 * `enableCustomApi`) when it is complete, else the offline espeak-ng voice. One adapter is kept
 * per endpoint.
 */
export class ConfiguredTtsAdapter implements TtsPort {
  private remote: { key: string; port: TtsPort } | undefined;

  constructor(
    private readonly config: TtsConfigSource,
    private readonly offline: TtsPort = new EspeakNgAdapter(),
    private readonly makeRemote: RemoteTtsFactory = openAiSpeech,
  ) {}

  async *synthesize(text: string, opts: TtsSynthesizeOptions = {}): AsyncIterable<Buffer> {
    const port = await this.choose();
    if (opts.signal?.aborted) return;
    yield* port.synthesize(text, opts);
  }

  /** The adapter the next call uses. */
  async choose(): Promise<TtsPort> {
    const endpoint = await this.config.modelConfig('tts_default');
    if (!endpoint.isCustom || !endpoint.baseUrl || !endpoint.model) return this.offline;
    const key = JSON.stringify([endpoint.baseUrl, endpoint.model, endpoint.apiKey]);
    if (this.remote?.key !== key) this.remote = { key, port: this.makeRemote(endpoint) };
    return this.remote.port;
  }
}

/**
 * Provides TTS_PORT (offline voice and resampling in the worker pool) and SPEECH_OUTPUT_FACTORY (the speech of a
 * chat session); imports the AudioModule (AUDIO_POOL, AUDIO_WARMUP). Needs CoreConfigService,
 * which the global ConfigModule gives.
 */
@Module({
  imports: [AudioModule],
  providers: [
    {
      provide: TTS_PORT,
      useFactory: (config: CoreConfigService, pool: AudioPoolService): TtsPort =>
        new ConfiguredTtsAdapter(config, new EspeakPoolAdapter(pool), (c) => new OpenAiSpeechAdapter({ baseUrl: c.baseUrl, apiKey: c.apiKey || undefined, model: c.model, resampler: (i, o) => pool.resampler(i, o) })),
      inject: [CoreConfigService, AudioPoolService],
    },
    {
      provide: SPEECH_OUTPUT_FACTORY,
      useFactory: (config: CoreConfigService, pool: AudioPoolService): SpeechOutputFactoryService => new SpeechOutputFactoryService(config, pool),
      inject: [CoreConfigService, AudioPoolService],
    },
  ],
  exports: [TTS_PORT, SPEECH_OUTPUT_FACTORY, AudioModule],
})
export class TtsModule {}
