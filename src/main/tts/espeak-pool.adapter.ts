import type { EspeakResult } from '../audio/audio-task.contract';
import { espeakArgs, espeakInput } from './espeak-ng.adapter';
import { toPcm48kFrames } from './pcm48k-chunk.stream';
import { isAborted, TtsError, TTS_OUTPUT_SAMPLE_RATE, type TtsPort, type TtsSynthesizeOptions } from './tts.port';

/** Runs espeak-ng on a worker thread (AudioPoolService.espeak). */
export interface EspeakWorkerRunner {
  /** `signal`: an abort before the sentence reaches a thread takes it out of the queue. */
  espeak(args: readonly string[], signal?: AbortSignal): Promise<EspeakResult>;
  /** Starts a thread with espeak-ng compiled, ahead of the first sentence. */
  warmUp(): Promise<void>;
}

export interface EspeakPoolAdapterOptions {
  /** Words per minute (espeak-ng's default is 175). */
  readonly wordsPerMinute?: number;
}

/**
 * The offline default voice (espeak-ng WASM, GPL-3.0-or-later) run in the audio worker pool: the
 * 0.15–0.3 s of engine time per sentence and the 22050 → 48 kHz resampling happen on a worker
 * thread, so the event loop keeps serving every other session meanwhile. The sentence comes back
 * whole and is yielded in 100 ms frames (even length, > 4 bytes).
 *
 * Abort: the call returns at once without yielding; a sentence still queued (for a pool slot or a
 * thread) is taken out of the queue, one already running in a worker is left to finish and its
 * audio dropped (terminating the thread would throw away its compiled WASM).
 */
export class EspeakPoolAdapter implements TtsPort {
  constructor(
    private readonly pool: EspeakWorkerRunner,
    private readonly options: EspeakPoolAdapterOptions = {},
  ) {}

  async *synthesize(text: string, opts: TtsSynthesizeOptions = {}): AsyncIterable<Buffer> {
    const input = espeakInput(text);
    if (input === undefined || isAborted(opts.signal)) return;
    const args = espeakArgs(input, opts.language, this.options.wordsPerMinute);
    const result = await this.untilAborted(this.pool.espeak(args, opts.signal), opts.signal);
    if (!result || isAborted(opts.signal)) return;
    const pcm = Buffer.from(result.pcm48k.buffer, result.pcm48k.byteOffset, result.pcm48k.byteLength);
    for (const frame of toPcm48kFrames(pcm, TTS_OUTPUT_SAMPLE_RATE)) {
      if (isAborted(opts.signal)) return;
      yield frame;
    }
  }

  /** The worker's result, or undefined as soon as `signal` aborts. */
  private async untilAborted(task: Promise<EspeakResult>, signal: AbortSignal | undefined): Promise<EspeakResult | undefined> {
    const settled = task.then<EspeakResult | undefined, undefined>(
      (r) => r,
      (err: unknown) => {
        // A sentence taken out of the queue by the abort rejects: that is no engine failure.
        if (isAborted(signal)) return undefined;
        const message = (err as { message?: unknown } | undefined)?.message;
        throw new TtsError('engine_failed', `espeak-ng could not speak: ${typeof message === 'string' ? message : String(err)}`, { retriable: false, cause: err });
      },
    );
    if (!signal) return settled;
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    // An abandoned task's failure must not surface as an unhandled rejection.
    void settled.catch(() => undefined);
    try {
      return await Promise.race([settled, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
