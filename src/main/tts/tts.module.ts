import { Module } from '@nestjs/common';
import type { ModelApiConfig, ModelTier } from '../../shared/config/core-config.derive';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { EspeakNgAdapter } from './espeak-ng.adapter';
import { OpenAiSpeechAdapter } from './openai-speech.adapter';
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
 * Provides TTS_PORT (needs CoreConfigService, which the global ConfigModule gives). Not imported
 * by MainAppModule yet: the session manager that consumes it wires it in.
 */
@Module({
  providers: [{ provide: TTS_PORT, useFactory: (config: CoreConfigService): TtsPort => new ConfiguredTtsAdapter(config), inject: [CoreConfigService] }],
  exports: [TTS_PORT],
})
export class TtsModule {}
