/**
 * What the main thread and the audio worker threads exchange (audio.worker.ts runs the tasks):
 * task and result shapes, and the resample step, which also runs on the calling thread for chunks
 * too small to be worth a round trip. Importing this loads no espeak-ng code.
 */
import type { Pcm16ResamplerOptions } from './pcm16-resampler';
import { Pcm16leResamplerStream, type Pcm16leResamplerStreamSnapshot } from './pcm16le-resampler.stream';

/** One chunk of a stream; with `end`, the tail too (the stream ends with it and the next starts fresh). */
export interface ResampleChunk {
  readonly bytes: Uint8Array;
  readonly end: boolean;
}

/** Consecutive chunks of one stream in one task (the pushes that queued while the previous task ran). */
export interface ResampleTask {
  readonly kind: 'resample';
  readonly state: Pcm16leResamplerStreamSnapshot | Pcm16ResamplerOptions;
  readonly chunks: readonly ResampleChunk[];
}

export interface EspeakTask {
  readonly kind: 'espeak';
  /** espeak-ng CLI arguments; the WAV must be written to ESPEAK_WAV_PATH. */
  readonly args: readonly string[];
}

export interface WarmupTask {
  readonly kind: 'warmup';
}

/** Measures the bare round trip of a task (bench and tests): returns its input. */
export interface EchoTask {
  readonly kind: 'echo';
  readonly bytes: Uint8Array;
}

export type AudioTask = ResampleTask | EspeakTask | WarmupTask | EchoTask;

/** One output per chunk, in order, and the state after the last (the options again after an end). */
export interface ResampleResult {
  readonly outputs: readonly Uint8Array[];
  readonly state: Pcm16leResamplerStreamSnapshot | Pcm16ResamplerOptions;
}

/** 48 kHz PCM16LE mono of the whole sentence (even length, possibly empty), and the engine's time. */
export interface EspeakResult {
  readonly pcm48k: Uint8Array;
  readonly engineMs: number;
}

export const ESPEAK_WAV_PATH = '/out.wav';

/** The resample task itself (also run on the calling thread for chunks too small to be worth a round trip). */
export function resampleChunks(task: ResampleTask): ResampleResult {
  const stream = 'resampler' in task.state ? Pcm16leResamplerStream.fromSnapshot(task.state) : new Pcm16leResamplerStream(task.state);
  const outputs: Uint8Array[] = [];
  for (const chunk of task.chunks) {
    const head = stream.push(chunk.bytes);
    // Copies: the stream may reuse the memory of its output for the next chunk.
    outputs.push(chunk.end ? Buffer.concat([head, stream.flush()]) : Buffer.from(head));
  }
  return { outputs, state: stream.snapshot() };
}
