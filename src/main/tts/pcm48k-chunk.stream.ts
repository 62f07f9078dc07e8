import { Pcm16leResamplerStream } from '../audio/pcm16le-resampler.stream';
import { TTS_CHUNK_BYTES, TTS_OUTPUT_SAMPLE_RATE } from './tts.port';

/** Frames of this size or less are heartbeats to the UI (§4.4): a tail that small is padded. */
const MIN_FRAME_BYTES = 6;

/**
 * Provider PCM16LE mono at any rate in, 48 kHz PCM16LE frames of about 100 ms out.
 *
 * Input chunks may have any length (a sample split between network chunks is completed by the
 * next one); every output frame has an even length of more than 4 bytes. The whole stream gives
 * ceil(inputSamples × 48000 / inRate) samples (a tail of at most 2 samples is padded with silence).
 */
export class Pcm48kChunkStream {
  private readonly resampler: Pcm16leResamplerStream | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private carry = -1;
  private ended = false;

  constructor(
    readonly inRate: number,
    private readonly chunkBytes = TTS_CHUNK_BYTES,
  ) {
    if (!Number.isInteger(inRate) || inRate < 8000 || inRate > 192_000) throw new RangeError(`unsupported sample rate ${inRate}`);
    if (chunkBytes < MIN_FRAME_BYTES || chunkBytes % 2 !== 0) throw new RangeError(`chunk size must be even and > 4 bytes, not ${chunkBytes}`);
    this.resampler = inRate === TTS_OUTPUT_SAMPLE_RATE ? undefined : new Pcm16leResamplerStream({ inRate, outRate: TTS_OUTPUT_SAMPLE_RATE });
  }

  /** Resamples `bytes` and returns the whole frames that are ready (possibly none). */
  push(bytes: Uint8Array): Buffer[] {
    if (this.ended) throw new Error('Pcm48kChunkStream already ended');
    this.add(this.resampler ? this.resampler.push(bytes) : this.evenBytes(bytes));
    return this.take(false);
  }

  /** The resampler's tail and the last, shorter frame. The stream cannot be used afterwards. */
  end(): Buffer[] {
    if (this.ended) return [];
    this.ended = true;
    if (this.resampler) this.add(this.resampler.flush());
    return this.take(true);
  }

  /** Passthrough at 48 kHz: keeps a split sample's first byte for the next chunk. */
  private evenBytes(bytes: Uint8Array): Buffer {
    let all = Buffer.from(bytes);
    if (this.carry >= 0) all = Buffer.concat([Buffer.of(this.carry), all]);
    this.carry = all.length % 2 === 1 ? all[all.length - 1] : -1;
    return all.length % 2 === 1 ? all.subarray(0, all.length - 1) : all;
  }

  private add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // Copy: the resampler's output may share memory that it reuses.
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }

  private take(final: boolean): Buffer[] {
    const frames: Buffer[] = [];
    if (this.pendingBytes < this.chunkBytes && !final) return frames;
    let all = Buffer.concat(this.pending, this.pendingBytes);
    while (all.length >= this.chunkBytes) {
      frames.push(all.subarray(0, this.chunkBytes));
      all = all.subarray(this.chunkBytes);
    }
    if (final && all.length > 0) {
      frames.push(all.length >= MIN_FRAME_BYTES ? all : Buffer.concat([all, Buffer.alloc(MIN_FRAME_BYTES - all.length)]));
      all = Buffer.alloc(0);
    }
    this.pending = all.length > 0 ? [all] : [];
    this.pendingBytes = all.length;
    return frames;
  }
}

/** Splits a finished PCM buffer at `inRate` into 48 kHz frames (convenience for whole-file engines). */
export function toPcm48kFrames(pcm: Uint8Array, inRate: number, chunkBytes = TTS_CHUNK_BYTES): Buffer[] {
  const stream = new Pcm48kChunkStream(inRate, chunkBytes);
  return [...stream.push(pcm), ...stream.end()];
}
