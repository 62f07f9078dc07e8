import { Module, type DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ModelApiConfig } from '../../shared/config/core-config.derive';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { SPEECH_OUTPUT_FACTORY } from './speech-output.port';
import { SpeechOutputFactoryService } from './speech-output.factory';
import { TtsModule } from './tts.module';

const offlineEndpoint: ModelApiConfig = { model: 'qwen-omni', apiKey: 'sk-core', baseUrl: 'wss://example.invalid', isCustom: false };

describe('TtsModule', () => {
  it('provides SPEECH_OUTPUT_FACTORY from the core config and the worker pool', async () => {
    @Module({})
    class StubConfigModule {}
    const stub: DynamicModule = {
      module: StubConfigModule,
      global: true,
      providers: [{ provide: CoreConfigService, useValue: { modelConfig: () => Promise.resolve(offlineEndpoint) } }],
      exports: [CoreConfigService],
    };
    const app = await Test.createTestingModule({ imports: [stub, TtsModule] }).compile();
    expect(app.get(SPEECH_OUTPUT_FACTORY)).toBeInstanceOf(SpeechOutputFactoryService);
    await app.close();
  });
});
