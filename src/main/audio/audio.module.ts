import { Global, Logger, Module } from '@nestjs/common';
import { AUDIO_WARMUP, type AudioWarmup } from '../startup/startup.service';
import { AUDIO_POOL } from './audio-pool.port';
import { AudioPoolService } from './audio-pool.service';

/**
 * Start-up hook: says how the pool works. No thread is started here — the pool costs no memory
 * until somebody chats (the first session that may speak offline warms a thread, see warmUp).
 */
export function audioWarmup(pool: AudioPoolService, logger = new Logger('AudioPool')): AudioWarmup {
  return () => {
    logger.log(`worker pool on demand: up to ${pool.maxThreads} threads for speech and resampling, started when a chat needs them`);
    return Promise.resolve();
  };
}

/**
 * The audio worker pool, one per process: AudioPoolService (also as AUDIO_POOL) and AUDIO_WARMUP
 * (run by StartupService). The pool's threads end when the application closes (onModuleDestroy).
 * Global: the session engine, the speech output and the TTS port share the one pool.
 */
@Global()
@Module({
  providers: [
    { provide: AudioPoolService, useFactory: (): AudioPoolService => new AudioPoolService() },
    { provide: AUDIO_POOL, useExisting: AudioPoolService },
    { provide: AUDIO_WARMUP, useFactory: audioWarmup, inject: [AudioPoolService] },
  ],
  exports: [AudioPoolService, AUDIO_POOL, AUDIO_WARMUP],
})
export class AudioModule {}
