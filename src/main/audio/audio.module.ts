import { Global, Logger, Module } from '@nestjs/common';
import { AUDIO_WARMUP, type AudioWarmup } from '../startup/startup.service';
import { AUDIO_POOL } from './audio-pool.port';
import { AudioPoolService } from './audio-pool.service';

/**
 * Start-up hook: compiles espeak-ng in the pool's kept thread in the background (about 0.5 s of
 * CPU), so the first offline sentence does not pay for it and the server does not wait
 * for it before listening. A failure is logged; the first sentence then tries again.
 */
export function audioWarmup(pool: AudioPoolService, logger = new Logger('AudioPool')): AudioWarmup {
  return () => {
    const started = performance.now();
    void pool.warmUp().then(
      () => logger.log(`worker pool ready: ${pool.threads} of at most ${pool.maxThreads} threads, espeak-ng compiled in ${Math.round(performance.now() - started)} ms`),
      (err: unknown) => pool.closed || logger.warn(`worker pool warm-up failed: ${err instanceof Error ? err.message : String(err)}`),
    );
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
