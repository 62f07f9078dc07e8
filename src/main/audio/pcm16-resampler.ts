import { convolvePolyphase } from './polyphase-fir.kernel';
import { polyphaseFilter, type PolyphaseFilter, type ResamplerQuality } from './polyphase-filter.design';

/**
 * Default quality: SINAD at the int16 ceiling like speex q7, images and aliases below −100 dB, flat
 * (±0.01 dB) to 0.8 × the lower Nyquist frequency, about 300× real time per core (bench/resampler.bench.ts).
 */
export const DEFAULT_RESAMPLER_QUALITY: ResamplerQuality = 'medium';

export interface Pcm16ResamplerOptions {
  readonly inRate: number;
  readonly outRate: number;
  readonly quality?: ResamplerQuality;
}

/**
 * Everything a resampler needs to continue a stream: structured-cloneable (numbers and one
 * Int16Array of fewer than `taps` samples, under 0.7 KB at the default quality), so any worker can carry on where another stopped.
 */
export interface Pcm16ResamplerSnapshot {
  readonly version: 1;
  readonly inRate: number;
  readonly outRate: number;
  readonly quality: ResamplerQuality;
  /** Input samples still needed: history[0] is the first tap of the next output sample. */
  readonly history: Int16Array;
  /** Fractional position of the next output sample, in 1/up steps of an input sample (0 ≤ phase < up). */
  readonly phase: number;
}

/**
 * Streaming polyphase windowed-sinc resampler for mono PCM16.
 *
 * Output sample n is the band-limited input at time n × inRate / outRate (no delay in the output
 * time line), so the whole stream yields ceil(inputSamples × outRate / inRate) samples. `push`
 * returns every sample whose input window is complete (the last `half` input samples wait for
 * their look-ahead), `flush` pads with silence and returns the rest. Feeding a stream in chunks of
 * any size gives exactly the samples of one `push` of the whole stream.
 */
export class Pcm16Resampler {
  readonly inRate: number;
  readonly outRate: number;
  readonly quality: ResamplerQuality;
  private readonly filter: PolyphaseFilter;
  private readonly capacity: number;
  private buf: Int16Array;
  private len = 0;
  private phase = 0;

  constructor(options: Pcm16ResamplerOptions) {
    this.inRate = options.inRate;
    this.outRate = options.outRate;
    this.quality = options.quality ?? DEFAULT_RESAMPLER_QUALITY;
    this.filter = polyphaseFilter(this.inRate, this.outRate, this.quality);
    this.capacity = this.filter.taps * 4 + this.filter.down;
    this.buf = new Int16Array(this.capacity);
    this.reset();
  }

  static fromSnapshot(snapshot: Pcm16ResamplerSnapshot): Pcm16Resampler {
    const r = new Pcm16Resampler(snapshot);
    r.restore(snapshot);
    return r;
  }

  /** Input samples of look-ahead: an input sample affects output only once `half` later samples arrived. */
  get latencyInputSamples(): number {
    return this.filter.half;
  }

  get tapsPerPhase(): number {
    return this.filter.taps;
  }

  /** Output samples that `push` would give for `inputSamples` more samples (for buffer sizing). */
  outputLengthFor(inputSamples: number): number {
    return this.countReady(this.len + inputSamples - this.filter.taps);
  }

  /** Back to the start of a new stream (silent history, phase 0). */
  reset(): void {
    // half − 1 zeros stand for the input before the stream: the first output (k = 0) reads x[−half+1 … half].
    this.len = this.filter.half - 1;
    this.buf.fill(0, 0, this.len);
    this.phase = 0;
  }

  push(chunk: Int16Array): Int16Array {
    this.append(chunk);
    return this.run(this.len - this.filter.taps);
  }

  /** Returns the tail: the outputs up to the end of the input, with silence as look-ahead. Then resets. */
  flush(): Int16Array {
    const lastStart = this.len - this.filter.half; // start index of the last output whose centre is real input
    this.append(new Int16Array(this.filter.half));
    const out = this.run(lastStart);
    this.reset();
    return out;
  }

  snapshot(): Pcm16ResamplerSnapshot {
    return { version: 1, inRate: this.inRate, outRate: this.outRate, quality: this.quality, history: this.buf.slice(0, this.len), phase: this.phase };
  }

  restore(snapshot: Pcm16ResamplerSnapshot): void {
    const s = snapshot;
    if (s.version !== 1 || s.inRate !== this.inRate || s.outRate !== this.outRate || s.quality !== this.quality) {
      throw new RangeError(`snapshot of ${s.inRate} → ${s.outRate} Hz (${s.quality}, v${s.version}) does not fit ${this.inRate} → ${this.outRate} Hz (${this.quality})`);
    }
    // Checked by tag, not instanceof: a structured clone may come from another realm (vm contexts).
    if (Object.prototype.toString.call(s.history) !== '[object Int16Array]' || !Number.isInteger(s.phase) || s.phase < 0 || s.phase >= this.filter.up) {
      throw new RangeError('malformed resampler snapshot');
    }
    this.len = 0;
    this.append(s.history);
    this.phase = s.phase;
  }

  private append(chunk: Int16Array): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      const grown = new Int16Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len = need;
  }

  /** How many outputs start at or before `lastStart` (the buffer index of an output's first tap), from the current phase. */
  private countReady(lastStart: number): number {
    if (lastStart < 0) return 0;
    // Output j starts at floor((phase + j·M) / L); it is ready while that is ≤ lastStart.
    const { up, down } = this.filter;
    return Math.floor(((lastStart + 1) * up - this.phase - 1) / down) + 1;
  }

  /** Computes all outputs whose first tap is at or before `lastStart`, then drops the consumed input. */
  private run(lastStart: number): Int16Array {
    const out = new Int16Array(this.countReady(lastStart));
    const { consumed, phase } = convolvePolyphase(this.filter, this.buf, this.len, this.phase, out);
    this.phase = phase;
    if (consumed > 0) {
      this.buf.copyWithin(0, consumed, this.len);
      this.len -= consumed;
    }
    // After one very large push, give the memory back (the history is always shorter than `taps`).
    if (this.buf.length > 16 * this.capacity) this.buf = this.buf.slice(0, this.capacity);
    return out;
  }
}
