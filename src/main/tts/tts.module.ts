import { Module } from '@nestjs/common';
import { AudioModule } from '../audio/audio.module';
import { AudioPoolService } from '../audio/audio-pool.service';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { SPEECH_OUTPUT_FACTORY } from './speech-output.port';
import { SpeechOutputFactoryService } from './speech-output.factory';

/**
 * Provides SPEECH_OUTPUT_FACTORY (the speech of a chat session; it picks the provider tier or the
 * offline voice per session, resampling and espeak-ng in the worker pool); imports the AudioModule
 * (AUDIO_POOL, AUDIO_WARMUP). Needs CoreConfigService, which the global ConfigModule gives.
 */
@Module({
  imports: [AudioModule],
  providers: [
    {
      provide: SPEECH_OUTPUT_FACTORY,
      useFactory: (config: CoreConfigService, pool: AudioPoolService): SpeechOutputFactoryService => new SpeechOutputFactoryService(config, pool),
      inject: [CoreConfigService, AudioPoolService],
    },
  ],
  exports: [SPEECH_OUTPUT_FACTORY, AudioModule],
})
export class TtsModule {}
