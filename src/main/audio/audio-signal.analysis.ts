/**
 * Test-signal generation and measurements for PCM16 audio (resampler tests and benchmark; also
 * usable for levels at run time). Samples are int16 values; levels are relative to full scale.
 */

export type Samples = ArrayLike<number>;

/** An int16 sine: `amplitude` is a fraction of full scale (0.5 = −6 dBFS), rounded to the nearest integer. */
export function sineWave(frequency: number, sampleRate: number, length: number, amplitude = 0.5, phase = 0): Int16Array {
  const out = new Int16Array(length);
  const w = (2 * Math.PI * frequency) / sampleRate;
  for (let i = 0; i < length; i++) out[i] = Math.round(32767 * amplitude * Math.sin(w * i + phase));
  return out;
}

export function rms(x: Samples, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return to > from ? Math.sqrt(s / (to - from)) : 0;
}

export function decibels(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/**
 * Goertzel: amplitude of the component at `frequency` over x[from, to) (in sample units). With the
 * 4-term Blackman-Harris window a strong tone far from `frequency` leaks below −92 dB into it.
 */
export function goertzelAmplitude(x: Samples, frequency: number, sampleRate: number, from = 0, to = x.length, window: 'rectangular' | 'blackman-harris' = 'rectangular'): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const coeff = 2 * Math.cos(w);
  const n = to - from;
  const bh = window === 'blackman-harris';
  let s1 = 0;
  let s2 = 0;
  let gain = 0;
  for (let i = from; i < to; i++) {
    const a = (2 * Math.PI * (i - from)) / (n - 1);
    const win = bh ? 0.35875 - 0.48829 * Math.cos(a) + 0.14128 * Math.cos(2 * a) - 0.01168 * Math.cos(3 * a) : 1;
    gain += win;
    const s0 = x[i] * win + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / gain;
}

/** Frequency from the rising zero crossings in x[from, to), with linear interpolation between samples. */
export function zeroCrossingFrequency(x: Samples, sampleRate: number, from = 0, to = x.length): number {
  let first = NaN;
  let last = NaN;
  let count = 0;
  for (let i = from + 1; i < to; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const t = i - 1 + -x[i - 1] / (x[i] - x[i - 1]);
      if (count === 0) first = t;
      last = t;
      count++;
    }
  }
  return count > 1 ? ((count - 1) * sampleRate) / (last - first) : NaN;
}

/** Largest |x[i] − x[i−1]|. */
export function maxStep(x: Samples, from = 1, to = x.length): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}

export interface SineFit {
  /** Amplitude of the fitted sine (same units as x). */
  readonly amplitude: number;
  /** RMS of x minus the fitted sine and offset. */
  readonly residualRms: number;
  /** Signal to noise and distortion (dB): fitted sine power over residual power. */
  readonly sinadDb: number;
}

/** Least-squares fit of a·sin + b·cos + c at the known frequency over x[from, to). */
export function fitSine(x: Samples, frequency: number, sampleRate: number, from = 0, to = x.length): SineFit {
  const w = (2 * Math.PI * frequency) / sampleRate;
  // Normal equations of the 3-parameter model.
  let ss = 0, sc = 0, s1 = 0, cc = 0, c1 = 0, n = 0, xs = 0, xc = 0, x1 = 0;
  for (let i = from; i < to; i++) {
    const s = Math.sin(w * i);
    const c = Math.cos(w * i);
    const v = x[i];
    ss += s * s; sc += s * c; s1 += s; cc += c * c; c1 += c; n++;
    xs += v * s; xc += v * c; x1 += v;
  }
  const [a, b, d] = solve3([[ss, sc, s1], [sc, cc, c1], [s1, c1, n]], [xs, xc, x1]);
  let err = 0;
  for (let i = from; i < to; i++) {
    const e = x[i] - (a * Math.sin(w * i) + b * Math.cos(w * i) + d);
    err += e * e;
  }
  const amplitude = Math.hypot(a, b);
  const residualRms = Math.sqrt(err / n);
  return { amplitude, residualRms, sinadDb: decibels(amplitude / Math.SQRT2 / residualRms) };
}

function solve3(m: number[][], v: number[]): [number, number, number] {
  const det = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  const col = (k: number) => det(m.map((row, i) => row.map((e, j) => (j === k ? v[i] : e))));
  return [col(0) / d, col(1) / d, col(2) / d];
}

/** Concatenation of Int16Array chunks. */
export function concatSamples(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((a, c) => a + c.length, 0));
  let w = 0;
  for (const c of chunks) {
    out.set(c, w);
    w += c.length;
  }
  return out;
}
