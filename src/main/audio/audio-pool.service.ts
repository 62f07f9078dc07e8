import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { AudioPool, StreamResampler } from './audio-pool.port';
import type { AudioTask, EspeakResult } from './audio-task.contract';
import { DEFAULT_INLINE_MAX_MS, PooledStreamResampler } from './pooled-resampler.stream';
import { TaskSemaphore } from './task.semaphore';

export interface AudioPoolOptions {
  readonly minThreads?: number;
  readonly maxThreads?: number;
  /** An idle thread ends after this long (default 5 min). */
  readonly idleTimeoutMs?: number;
  /** The compiled worker; default: audioWorkerPath(). */
  readonly workerPath?: string;
  /** Tasks waiting for a thread beyond this are refused (default 4096): memory stays bounded. */
  readonly maxQueue?: number;
}

const WORKER_FILE = 'audio.worker.js';

/**
 * The compiled worker: next to this file when running compiled JS (dist/src/main/audio by tsc,
 * dist/bundle by scripts/bundle.mjs, which emits the worker bundle next to main's); from the
 * TypeScript sources (Jest with swc) the tsc output in dist/ (`npm run build` / pretest make it).
 */
export function audioWorkerPath(dir: string = __dirname): string {
  const beside = join(dir, WORKER_FILE);
  if (existsSync(beside)) return beside;
  const compiled = resolve(dir, '..', '..', '..', 'dist', 'src', 'main', 'audio', WORKER_FILE);
  if (existsSync(compiled)) return compiled;
  throw new Error(`the audio worker ${WORKER_FILE} is neither next to ${dir} nor at ${compiled}: run \`npm run build\``);
}

/**
 * Threads: at most one per core but the one the event loop needs, and never fewer than two: a
 * 0.3 s offline sentence on the only thread would hold every other task behind it. None is kept
 * while nobody chats: a thread with espeak-ng's WASM compiled costs 30–60 MiB and about 0.5 s of
 * CPU (measured), so the first one starts when a session that may speak offline opens (warmUp,
 * hidden behind the model's first tokens) and threads end after five idle minutes.
 */
export function defaultMaxThreads(cores: number = availableParallelism()): number {
  return Math.max(2, cores - 1);
}

/** Concurrent offline sentences on a pool of `maxThreads`: one thread is left for resampling. */
export function espeakLimit(maxThreads: number): number {
  return Math.max(1, maxThreads - 1);
}

/**
 * The worker pool of the main server (Piscina 5): resampling steps and offline synthesis run on
 * worker threads, so a hundred sessions never stall each other's frames. Stateless tasks: a
 * stream's resampler state travels with each chunk (PooledStreamResampler).
 */
export class AudioPoolService implements AudioPool, OnModuleDestroy {
  private readonly pool: Piscina<AudioTask, unknown>;
  private closing: Promise<void> | undefined;
  /**
   * Offline sentences (0.15–0.3 s of CPU each) share Piscina's FIFO queue with resampling: at most
   * maxThreads − 1 of them (at least one) run or queue there at once, the rest wait here, so a
   * thread stays free for provider audio and microphone frames.
   */
  private readonly espeakSlots: TaskSemaphore;

  constructor(options: AudioPoolOptions = {}) {
    const maxThreads = options.maxThreads ?? defaultMaxThreads();
    this.pool = new Piscina<AudioTask, unknown>({
      filename: options.workerPath ?? audioWorkerPath(),
      minThreads: Math.min(options.minThreads ?? 0, maxThreads),
      maxThreads,
      // Idle threads linger five minutes: respawning one recompiles the 18 MB espeak-ng WASM.
      idleTimeout: options.idleTimeoutMs ?? 300_000,
      maxQueue: options.maxQueue ?? 4096,
      // Async tasks (espeak-ng instantiation) keep the worker's event loop turning between tasks.
      atomics: 'async',
      recordTiming: false,
    });
    this.espeakSlots = new TaskSemaphore(espeakLimit(maxThreads));
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  /** Tasks the pool has finished (tests, bench). */
  get completedTasks(): number {
    return this.pool.completed;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  get maxThreads(): number {
    return this.pool.maxThreads;
  }

  /** Runs one task on a worker thread; an abort before it starts removes it from the queue. */
  run<T>(task: AudioTask, signal?: AbortSignal): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the audio worker pool is closed'));
    return this.pool.run(task, signal ? { signal } : {}) as Promise<T>;
  }

  /**
   * A stream resampler on the pool; batches of at most `inlineMaxMs` of audio (default 20 ms: a
   * 10 ms microphone frame) are filtered on the calling thread, where that is cheaper than a round trip.
   */
  resampler(inRate: number, outRate: number, inlineMaxMs = DEFAULT_INLINE_MAX_MS): StreamResampler {
    return new PooledStreamResampler((task) => this.run(task), inRate, outRate, inlineMaxMs);
  }

  /** One offline sentence: espeak-ng CLI arguments in, 48 kHz PCM16 of the sentence out. */
  espeak(args: readonly string[], signal?: AbortSignal): Promise<EspeakResult> {
    if (this.closing) return Promise.reject(new Error('the audio worker pool is closed'));
    return this.espeakSlots.run(() => this.run<EspeakResult>({ kind: 'espeak', args }, signal), signal);
  }

  /** Offline sentences running or queued in Piscina / waiting for a slot (tests, bench). */
  get espeakLoad(): { readonly running: number; readonly waiting: number; readonly limit: number } {
    return { running: this.espeakSlots.running, waiting: this.espeakSlots.queued, limit: this.espeakSlots.limit };
  }

  /** Bare round trip (bench, tests): the bytes come back from a worker. */
  async echo(bytes: Uint8Array): Promise<Buffer> {
    const out = await this.run<Uint8Array>({ kind: 'echo', bytes });
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  /**
   * Makes sure a thread runs with espeak-ng compiled (the kept ones, at least one): a session that
   * may speak offline calls it when it opens. Cheap when the threads are warm already.
   */
  async warmUp(): Promise<void> {
    await Promise.all(Array.from({ length: Math.max(1, this.pool.options.minThreads) }, () => this.run<true>({ kind: 'warmup' })));
  }

  /** Ends the threads (queued tasks are rejected). Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.pool.destroy().then(() => undefined);
    return this.closing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
