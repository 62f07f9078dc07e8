/**
 * The task dispatcher of the audio worker pool (Piscina loads this file's default export in each
 * worker thread). Two kinds of work leave the event loop of the main server:
 *
 * - `resample`: one chunk of a stream whose state travels with the task (Pcm16leResamplerStream.step),
 *   so any thread can take the next chunk and no thread keeps per-session state;
 * - `espeak`: one sentence of the offline voice (espeak-ng WASM, 0.15–0.3 s of CPU): the engine's
 *   22050 Hz WAV resampled to 48 kHz PCM16 in the same task. The WASM is read and compiled once
 *   per worker thread (espeak-ng.runtime caches it) and reused by every call.
 *
 * Keep the imports small: every worker thread loads them at start.
 */
import type { Pcm16ResamplerOptions } from './pcm16-resampler';
import { Pcm16leResamplerStream, type Pcm16leResamplerStreamSnapshot } from './pcm16le-resampler.stream';
import { runEspeak, warmUpEspeak } from '../tts/espeak-ng.runtime';
import { parseWav } from '../tts/wav-riff.parser';

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

const OUTPUT_RATE = 48_000;

function espeak(task: EspeakTask): Promise<EspeakResult> {
  const started = performance.now();
  return runEspeak(task.args, ESPEAK_WAV_PATH)
    .then((wav) => {
      const { pcm, sampleRate } = parseWav(wav);
      const pcm48k = sampleRate === OUTPUT_RATE ? pcm : Pcm16leResamplerStream.step({ inRate: sampleRate, outRate: OUTPUT_RATE }, pcm, true).bytes;
      return { pcm48k, engineMs: performance.now() - started };
    })
    .catch(plainError);
}

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

/** Error subclasses with own fields do not survive the structured clone back to the caller: send a plain Error. */
function plainError(err: unknown): never {
  throw new Error(err instanceof Error ? err.message : String(err));
}

/** Piscina's entry point: one task in, its result out (errors travel back as rejections). */
export default function audioTask(task: AudioTask): ResampleResult | Uint8Array | Promise<EspeakResult | true> {
  switch (task.kind) {
    case 'resample':
      return resampleChunks(task);
    case 'espeak':
      return espeak(task);
    case 'warmup':
      return warmUpEspeak().then(() => true as const);
    case 'echo':
      return task.bytes;
  }
}
