import { Pcm16Resampler, type Pcm16ResamplerOptions, type Pcm16ResamplerSnapshot } from './pcm16-resampler';
import { encodePcm16le, Pcm16leDecoder, type Pcm16leDecoderSnapshot } from './pcm16le.codec';

/** Serialisable state of a byte stream: the resampler's plus a half sample waiting for its second byte. */
export interface Pcm16leResamplerStreamSnapshot {
  readonly resampler: Pcm16ResamplerSnapshot;
  readonly decoder: Pcm16leDecoderSnapshot;
}

/** What one worker task returns: the frame to send and the state for the next chunk. */
export interface Pcm16leResampledChunk {
  /** PCM16LE, always an even number of bytes (possibly none). */
  readonly bytes: Buffer;
  readonly snapshot: Pcm16leResamplerStreamSnapshot;
}

/**
 * PCM16LE bytes in, resampled PCM16LE bytes out, chunk by chunk. Input chunks may have any length
 * (a split sample is completed by the next chunk); every output frame has an even length.
 */
export class Pcm16leResamplerStream {
  private readonly resampler: Pcm16Resampler;
  private readonly decoder = new Pcm16leDecoder();

  constructor(options: Pcm16ResamplerOptions) {
    this.resampler = new Pcm16Resampler(options);
  }

  static fromSnapshot(snapshot: Pcm16leResamplerStreamSnapshot): Pcm16leResamplerStream {
    const s = new Pcm16leResamplerStream(snapshot.resampler);
    s.restore(snapshot);
    return s;
  }

  /**
   * One chunk of a stream whose state travels with it (a worker-pool task): restores `state`
   * (or starts a new stream from options), resamples `bytes` (with `end`, also the tail) and
   * returns the frame and the next state.
   */
  static step(state: Pcm16leResamplerStreamSnapshot | Pcm16ResamplerOptions, bytes: Uint8Array, end = false): Pcm16leResampledChunk {
    const s = 'resampler' in state ? Pcm16leResamplerStream.fromSnapshot(state) : new Pcm16leResamplerStream(state);
    const head = s.push(bytes);
    const out = end ? Buffer.concat([head, s.flush()]) : head;
    return { bytes: out, snapshot: s.snapshot() };
  }

  get inRate(): number {
    return this.resampler.inRate;
  }

  get outRate(): number {
    return this.resampler.outRate;
  }

  push(bytes: Uint8Array): Buffer {
    return encodePcm16le(this.resampler.push(this.decoder.decode(bytes)));
  }

  /** The tail of the stream; a lone trailing byte (half a sample) is dropped. Then a new stream starts. */
  flush(): Buffer {
    this.decoder.reset();
    return encodePcm16le(this.resampler.flush());
  }

  snapshot(): Pcm16leResamplerStreamSnapshot {
    return { resampler: this.resampler.snapshot(), decoder: this.decoder.snapshot() };
  }

  restore(snapshot: Pcm16leResamplerStreamSnapshot): void {
    this.resampler.restore(snapshot.resampler);
    this.decoder.restore(snapshot.decoder);
  }
}
