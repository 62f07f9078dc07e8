import type { StreamResampler } from '../audio/audio-pool.port';
import { Pcm48kChunkStream } from './pcm48k-chunk.stream';
import { TTS_CHUNK_BYTES, TTS_OUTPUT_SAMPLE_RATE } from './tts.port';

/** Makes a pool resampler for one stream (AudioPool.resampler). */
export type ResamplerFactory = (inRate: number, outRate: number) => StreamResampler;

/** What a speech decoder feeds: provider PCM in, 48 kHz frames of about 100 ms out. */
export interface Pcm48kFrameStream {
  push(bytes: Uint8Array): Promise<Buffer[]>;
  end(): Promise<Buffer[]>;
}

/**
 * Pcm48kChunkStream with the resampling done in the worker pool: provider PCM16LE at `inRate` →
 * the pool's stream resampler → 48 kHz frames (even length, > 4 bytes; the last one padded).
 * At 48 kHz already, no pool task: only the framing.
 */
export class PooledPcm48kChunkStream implements Pcm48kFrameStream {
  private readonly resampler: StreamResampler | undefined;
  private readonly framer: Pcm48kChunkStream;
  private ended = false;

  constructor(inRate: number, makeResampler: ResamplerFactory, chunkBytes = TTS_CHUNK_BYTES) {
    this.resampler = inRate === TTS_OUTPUT_SAMPLE_RATE ? undefined : makeResampler(inRate, TTS_OUTPUT_SAMPLE_RATE);
    this.framer = new Pcm48kChunkStream(TTS_OUTPUT_SAMPLE_RATE, chunkBytes);
  }

  async push(bytes: Uint8Array): Promise<Buffer[]> {
    if (this.ended) throw new Error('PooledPcm48kChunkStream already ended');
    return this.framer.push(this.resampler ? await this.resampler.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) : bytes);
  }

  async end(): Promise<Buffer[]> {
    if (this.ended) return [];
    this.ended = true;
    const tail = this.resampler ? this.framer.push(await this.resampler.flush()) : [];
    return [...tail, ...this.framer.end()];
  }
}

/** The in-thread stream behind the same interface (no pool given). */
export function inThreadPcm48kStream(inRate: number): Pcm48kFrameStream {
  const s = new Pcm48kChunkStream(inRate);
  return { push: (bytes) => Promise.resolve(s.push(bytes)), end: () => Promise.resolve(s.end()) };
}
