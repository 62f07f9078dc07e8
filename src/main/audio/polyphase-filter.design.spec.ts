import { besselI0, gcd, kaiserBeta, MAX_UP_FACTOR, polyphaseFilter, QUALITY_PRESETS, type ResamplerQuality } from './polyphase-filter.design';

const QUALITIES = Object.keys(QUALITY_PRESETS) as ResamplerQuality[];

/** |H(f)| of the whole (interpolated) filter, f in cycles per input sample. */
function response(inRate: number, outRate: number, quality: ResamplerQuality, f: number): number {
  const { up, taps, coefficients } = polyphaseFilter(inRate, outRate, quality);
  // Tap t of phase p sits at time (t − half + 1) − p / up on the fine grid (1 / up input samples).
  let re = 0;
  let im = 0;
  const half = taps / 2;
  for (let p = 0; p < up; p++) {
    for (let t = 0; t < taps; t++) {
      const time = t - half + 1 - p / up;
      re += coefficients[p * taps + t] * Math.cos(2 * Math.PI * f * time);
      im += coefficients[p * taps + t] * Math.sin(2 * Math.PI * f * time);
    }
  }
  return Math.hypot(re, im) / up;
}

describe('polyphase filter design', () => {
  it('has the maths helpers right', () => {
    expect(gcd(48000, 16000)).toBe(16000);
    expect(gcd(22050, 48000)).toBe(150);
    expect(besselI0(0)).toBe(1);
    expect(besselI0(1)).toBeCloseTo(1.2660658777520082, 14);
    expect(besselI0(10)).toBeCloseTo(2815.716628466254, 8);
    expect(kaiserBeta(100)).toBeCloseTo(10.06126, 10);
    expect(kaiserBeta(30)).toBeCloseTo(0.5842 * 9 ** 0.4 + 0.07886 * 9, 10);
  });

  it.each([
    [24000, 48000, 2, 1],
    [48000, 16000, 1, 3],
    [22050, 48000, 320, 147],
    [16000, 24000, 3, 2],
  ])('reduces %i → %i Hz to L/M = %i/%i; every phase sums to 1 and mirrors its partner', (inRate, outRate, up, down) => {
    for (const q of QUALITIES) {
      const f = polyphaseFilter(inRate, outRate, q);
      expect([f.up, f.down]).toEqual([up, down]);
      expect(f.taps % 2).toBe(0);
      expect(f.half).toBe(f.taps / 2);
      for (let p = 0; p < f.up; p++) {
        const row = f.coefficients.subarray(p * f.taps, (p + 1) * f.taps);
        expect(row.reduce((a, c) => a + c, 0)).toBeCloseTo(1, 12);
        if (p > 0) {
          const mirror = f.coefficients.subarray((f.up - p) * f.taps, (f.up - p + 1) * f.taps);
          // Phase p at tap t reads the kernel at u, phase up − p at tap taps − 1 − t reads it at −u.
          for (let t = 0; t < f.taps; t++) expect(row[t]).toBeCloseTo(mirror[f.taps - 1 - t], 12);
        }
      }
    }
  });

  it.each(QUALITIES)('passes the pass band and stops the stop band as designed (%s)', (q) => {
    const { passband, attenuationDb } = QUALITY_PRESETS[q];
    for (const [inRate, outRate] of [[24000, 48000], [48000, 16000]]) {
      const nyquist = (0.5 * Math.min(inRate, outRate)) / inRate; // cycles per input sample
      for (const x of [0, 0.25, 0.5, 0.7 * passband]) expect(Math.abs(20 * Math.log10(response(inRate, outRate, q, x * nyquist)))).toBeLessThan(0.01);
      for (const x of [1, 1.1, 1.5, 1.9]) expect(20 * Math.log10(response(inRate, outRate, q, x * nyquist))).toBeLessThan(-attenuationDb + 3);
    }
  });

  it('refuses ratios whose table would be too large', () => {
    expect(() => polyphaseFilter(48000, 44101, 'fast')).toThrow(RangeError);
    expect(44101).toBeGreaterThan(MAX_UP_FACTOR);
    expect(() => polyphaseFilter(48000, 16000, 'best' as ResamplerQuality)).toThrow(/unknown resampler quality/);
  });
});
