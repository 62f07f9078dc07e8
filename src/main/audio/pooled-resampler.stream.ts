import type { StreamResampler } from './audio-pool.port';
import { resampleChunks, type ResampleChunk, type ResampleResult, type ResampleTask } from './audio-task.contract';
import type { Pcm16ResamplerOptions } from './pcm16-resampler';
import type { Pcm16leResamplerStreamSnapshot } from './pcm16le-resampler.stream';

/** Runs one resample task somewhere (a worker of the pool). */
export type ResampleRunner = (task: ResampleTask) => Promise<ResampleResult>;

const SUPPORTED_RATES = { min: 8000, max: 192_000 };
/** At most this many queued pushes travel in one task (bounds a task's size and its latency). */
export const MAX_CHUNKS_PER_TASK = 32;
/**
 * Input up to this much audio is resampled on the calling thread: measured (bench/resampler.bench.ts),
 * a pool round trip costs more main-thread CPU and 100× the latency of filtering a 10 ms frame
 * (about 35 µs); from about 20 ms of audio on, the pool takes more off the event loop than it adds.
 */
export const DEFAULT_INLINE_MAX_MS = 20;
/** Input waiting behind the task in flight is refused beyond this much audio (default 2 s) … */
export const DEFAULT_MAX_QUEUED_MS = 2000;
/** … or this many pushes (tiny pushes would otherwise pile up under the byte bound). */
export const MAX_QUEUED_CHUNKS = 256;

/** A push refused because the stream's queue is full (the pool is that far behind). */
export class ResamplerBacklogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResamplerBacklogError';
  }
}

interface Pending extends ResampleChunk {
  resolve(out: Buffer): void;
  reject(err: unknown): void;
}

/**
 * One stream (a session's provider audio, or its microphone) resampled by stateless pool tasks.
 * Pushes may overlap: one task per stream is in flight at a time, carrying the stream state, so
 * results come in call order and the filter history runs across chunk edges without a click.
 * Pushes made while a task runs are batched into the next task (up to MAX_CHUNKS_PER_TASK): under
 * load the round trip is paid once per batch, not once per 10 ms frame. A batch of no more than
 * `inlineMaxMs` of audio is filtered on the calling thread instead (same code, same state). Streams of different
 * sessions run in parallel on the pool's threads.
 *
 * A failed task (pool closed, queue full) rejects its own pushes only; the next task carries on
 * from the last good state. Waiting input is bounded (`maxQueuedMs` of audio, MAX_QUEUED_CHUNKS
 * pushes): a push beyond it is rejected with a ResamplerBacklogError and that audio is lost
 * (callers log it) — memory never grows without bound behind a stalled pool. A flush is never refused.
 */
export class PooledStreamResampler implements StreamResampler {
  private state: Pcm16leResamplerStreamSnapshot | Pcm16ResamplerOptions;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private busy = false;
  private readonly inlineMaxBytes: number;
  private readonly maxQueuedBytes: number;

  /**
   * `inlineMaxMs`: batches of at most this much input audio run on this thread (0: always the pool).
   * `maxQueuedMs`: most input audio waiting behind the task in flight.
   */
  constructor(
    private readonly runner: ResampleRunner,
    readonly inRate: number,
    readonly outRate: number,
    inlineMaxMs = 0,
    maxQueuedMs = DEFAULT_MAX_QUEUED_MS,
  ) {
    for (const rate of [inRate, outRate]) {
      if (!Number.isInteger(rate) || rate < SUPPORTED_RATES.min || rate > SUPPORTED_RATES.max) throw new RangeError(`unsupported sample rate ${rate}`);
    }
    this.state = { inRate, outRate };
    this.inlineMaxBytes = Math.floor((inRate * inlineMaxMs) / 1000) * 2;
    this.maxQueuedBytes = Math.floor((inRate * maxQueuedMs) / 1000) * 2;
  }

  /** Input bytes waiting behind the task in flight (tests). */
  get backlogBytes(): number {
    return this.queuedBytes;
  }

  push(pcm: Buffer): Promise<Buffer> {
    return this.enqueue(pcm, false);
  }

  flush(): Promise<Buffer> {
    return this.enqueue(new Uint8Array(0), true);
  }

  private enqueue(bytes: Uint8Array, end: boolean): Promise<Buffer> {
    if (!end && (this.queuedBytes + bytes.length > this.maxQueuedBytes || this.queue.length >= MAX_QUEUED_CHUNKS)) {
      const ms = Math.round((this.queuedBytes / 2 / this.inRate) * 1000);
      return Promise.reject(new ResamplerBacklogError(`resampler ${this.inRate} → ${this.outRate} Hz is ${ms} ms (${this.queue.length} pushes) behind: ${bytes.length} bytes dropped`));
    }
    this.queuedBytes += bytes.length;
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ bytes, end, resolve, reject });
      if (!this.busy) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_CHUNKS_PER_TASK);
        for (const p of batch) this.queuedBytes -= p.bytes.length;
        try {
          const task: ResampleTask = { kind: 'resample', state: this.state, chunks: batch.map(({ bytes, end }) => ({ bytes, end })) };
          const bytes = batch.reduce((n, p) => n + p.bytes.length, 0);
          const r = bytes <= this.inlineMaxBytes ? resampleChunks(task) : await this.runner(task);
          this.state = r.state;
          batch.forEach((p, i) => {
            const out = r.outputs[i];
            p.resolve(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
          });
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
