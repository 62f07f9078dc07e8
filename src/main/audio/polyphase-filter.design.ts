/**
 * Kaiser-windowed sinc low-pass filters for the polyphase resampler, one table of coefficients per
 * (up factor L, down factor M, quality), computed once per process and cached.
 *
 * The filter runs at the virtual rate L × inRate. Its stop band starts at min(inRate, outRate) / 2
 * (nothing folds back below the lower Nyquist frequency, whether imaging on the way up or aliasing
 * on the way down); its pass band ends at `passband` × that frequency; the Kaiser design formula
 * gives the length that reaches `attenuationDb` over that transition band.
 */

export type ResamplerQuality = 'fast' | 'medium' | 'high';

export interface QualityPreset {
  /** Pass-band edge as a fraction of the lower Nyquist frequency. */
  readonly passband: number;
  /** Stop-band attenuation the Kaiser window is designed for (dB). */
  readonly attenuationDb: number;
}

export const QUALITY_PRESETS: Readonly<Record<ResamplerQuality, QualityPreset>> = {
  fast: { passband: 0.84, attenuationDb: 80 },
  medium: { passband: 0.88, attenuationDb: 100 },
  high: { passband: 0.92, attenuationDb: 120 },
};

/** Up-factor above which the coefficient table (L rows) would be unreasonably large. */
export const MAX_UP_FACTOR = 2048;

export interface PolyphaseFilter {
  /** Up factor: outRate / gcd. */
  readonly up: number;
  /** Down factor: inRate / gcd. */
  readonly down: number;
  /** Taps per phase (even): output k + p/L reads input samples k − half + 1 … k + half. */
  readonly taps: number;
  /** half = taps / 2, also the look-ahead (latency) in input samples. */
  readonly half: number;
  /** `up` rows of `taps` coefficients; row p is the kernel at fractional offset p / up, each row sums to 1. */
  readonly coefficients: Float64Array;
  /**
   * For down ≤ MAX_DEINTERLEAVED_DOWN: the same rows reordered by input residue, row p = for q < down,
   * for s: coefficients[p·taps + s·down + q] (the order polyphase-fir.kernel.ts reads them in).
   */
  readonly residueCoefficients?: Float64Array;
}

/** Largest down factor for which the kernel splits the input into `down` streams. */
export const MAX_DEINTERLEAVED_DOWN = 8;

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's β for a stop-band attenuation in dB. */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

const cache = new Map<string, PolyphaseFilter>();

/** The cached filter for inRate → outRate at this quality (designed on first use). */
export function polyphaseFilter(inRate: number, outRate: number, quality: ResamplerQuality): PolyphaseFilter {
  for (const [name, rate] of [['inRate', inRate], ['outRate', outRate]] as const) {
    if (!Number.isSafeInteger(rate) || rate <= 0) throw new RangeError(`${name} must be a positive integer (got ${rate})`);
  }
  const preset = QUALITY_PRESETS[quality];
  if (!preset) throw new RangeError(`unknown resampler quality "${String(quality)}"`);
  const g = gcd(inRate, outRate);
  const up = outRate / g;
  const down = inRate / g;
  if (up > MAX_UP_FACTOR) throw new RangeError(`${inRate} → ${outRate} Hz needs ${up} filter phases (at most ${MAX_UP_FACTOR})`);
  const key = `${up}/${down}/${preset.passband}/${preset.attenuationDb}`;
  let filter = cache.get(key);
  if (!filter) {
    filter = designFilter(up, down, preset);
    cache.set(key, filter);
  }
  return filter;
}

/** Number of cached coefficient tables (for tests). */
export function cachedFilterCount(): number {
  return cache.size;
}

function designFilter(up: number, down: number, preset: QualityPreset): PolyphaseFilter {
  // Frequencies in cycles per input sample; `scale` maps the lower Nyquist frequency to 0.5 × scale.
  const scale = Math.min(1, up / down);
  const stop = 0.5 * scale;
  const pass = preset.passband * stop;
  const cutoff = (pass + stop) / 2;
  const transition = stop - pass;
  const length = (preset.attenuationDb - 7.95) / (14.36 * transition);
  const half = Math.max(2, Math.ceil(length / 2));
  const taps = 2 * half;
  const beta = kaiserBeta(preset.attenuationDb);
  const i0Beta = besselI0(beta);
  const coefficients = new Float64Array(up * taps);
  for (let p = 0; p < up; p++) {
    const frac = p / up;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      // Tap t reads input k − half + 1 + t; its distance from the output instant k + frac:
      const u = frac + half - 1 - t;
      const r = u / half;
      const w = r * r < 1 ? besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta : 0;
      const h = 2 * cutoff * sinc(2 * cutoff * u) * w;
      coefficients[p * taps + t] = h;
      sum += h;
    }
    for (let t = 0; t < taps; t++) coefficients[p * taps + t] /= sum;
  }
  if (down > MAX_DEINTERLEAVED_DOWN || taps < 2 * down) return { up, down, taps, half, coefficients };
  const residueCoefficients = new Float64Array(up * taps);
  for (let p = 0, w = 0; p < up; p++) {
    for (let q = 0; q < down; q++) for (let t = q; t < taps; t += down) residueCoefficients[w++] = coefficients[p * taps + t];
  }
  return { up, down, taps, half, coefficients, residueCoefficients };
}
