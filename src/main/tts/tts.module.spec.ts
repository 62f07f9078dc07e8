import { Module, type DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ModelApiConfig } from '../../shared/config/core-config.derive';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { EspeakPoolAdapter } from './espeak-pool.adapter';
import { OpenAiSpeechAdapter } from './openai-speech.adapter';
import { SPEECH_OUTPUT_FACTORY } from './speech-output.port';
import { SpeechOutputFactoryService } from './speech-output.factory';
import { ConfiguredTtsAdapter, TtsModule } from './tts.module';
import { TTS_PORT, type TtsPort } from './tts.port';

const offlineEndpoint: ModelApiConfig = { model: 'qwen-omni', apiKey: 'sk-core', baseUrl: 'wss://example.invalid', isCustom: false };

class StubOffline implements TtsPort {
  calls: string[] = [];
  async *synthesize(text: string): AsyncIterable<Buffer> {
    this.calls.push(text);
    await Promise.resolve();
    yield Buffer.alloc(9600);
  }
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('ConfiguredTtsAdapter / TtsModule', () => {
  let fake: FakeOpenAi;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-tts' });
  });
  afterEach(() => fake.close());

  it('speaks offline without a custom TTS endpoint, and through it once one is configured', async () => {
    let endpoint = offlineEndpoint;
    const offline = new StubOffline();
    const tts = new ConfiguredTtsAdapter({ modelConfig: () => Promise.resolve(endpoint) }, offline);
    expect(await collect(tts.synthesize('one'))).toHaveLength(1);
    expect(offline.calls).toEqual(['one']);
    expect(fake.requests).toHaveLength(0);

    endpoint = { model: 'gpt-4o-mini-tts', apiKey: 'sk-tts', baseUrl: fake.baseUrl, isCustom: true };
    const remote = await tts.choose();
    expect(remote).toBeInstanceOf(OpenAiSpeechAdapter);
    expect(await tts.choose()).toBe(remote); // one adapter per endpoint
    const audio = Buffer.concat(await collect(tts.synthesize('hello')));
    expect(audio.length).toBe(5 * 4800);
    expect(fake.requests[0].body).toMatchObject({ model: 'gpt-4o-mini-tts', input: 'hello' });
    expect(offline.calls).toEqual(['one']);

    endpoint = { ...endpoint, apiKey: 'sk-other' };
    expect(await tts.choose()).not.toBe(remote);
  });

  it('an aborted call yields nothing', async () => {
    const offline = new StubOffline();
    const tts = new ConfiguredTtsAdapter({ modelConfig: () => Promise.resolve(offlineEndpoint) }, offline);
    const c = new AbortController();
    c.abort();
    expect(await collect(tts.synthesize('x', { signal: c.signal }))).toEqual([]);
    expect(offline.calls).toEqual([]);
  });

  it('TtsModule provides TTS_PORT from the core config (espeak-ng in the worker pool by default) and SPEECH_OUTPUT_FACTORY', async () => {
    @Module({})
    class StubConfigModule {}
    const stub: DynamicModule = {
      module: StubConfigModule,
      global: true,
      providers: [{ provide: CoreConfigService, useValue: { modelConfig: () => Promise.resolve(offlineEndpoint) } }],
      exports: [CoreConfigService],
    };
    const app = await Test.createTestingModule({ imports: [stub, TtsModule] }).compile();
    const port = app.get<ConfiguredTtsAdapter>(TTS_PORT);
    expect(port).toBeInstanceOf(ConfiguredTtsAdapter);
    expect(await port.choose()).toBeInstanceOf(EspeakPoolAdapter);
    expect(app.get(SPEECH_OUTPUT_FACTORY)).toBeInstanceOf(SpeechOutputFactoryService);
    await app.close();
  });
});
