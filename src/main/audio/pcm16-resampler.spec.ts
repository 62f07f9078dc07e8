import { concatSamples, decibels, goertzelAmplitude, maxStep, rms, sineWave, zeroCrossingFrequency } from './audio-signal.analysis';
import { Pcm16Resampler, type Pcm16ResamplerSnapshot } from './pcm16-resampler';
import { cachedFilterCount, type ResamplerQuality } from './polyphase-filter.design';

const RATIOS: ReadonlyArray<readonly [number, number]> = [
  [24000, 48000],
  [48000, 16000],
  [22050, 48000],
  [16000, 24000],
];
const QUALITIES: readonly ResamplerQuality[] = ['fast', 'medium', 'high'];

/** Deterministic PRNG (mulberry32) so a failing chunking is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function oneShot(r: Pcm16Resampler, input: Int16Array): Int16Array {
  return concatSamples([r.push(input), r.flush()]);
}

/** Chunk lengths: 1 sample, small and large ones, at random. */
function randomChunks(input: Int16Array, rnd: () => number): Int16Array[] {
  const chunks: Int16Array[] = [];
  for (let off = 0; off < input.length; ) {
    const pick = rnd();
    const n = pick < 0.2 ? 1 : pick < 0.5 ? 1 + Math.floor(rnd() * 16) : 1 + Math.floor(rnd() * 1500);
    chunks.push(input.subarray(off, off + n));
    off += n;
  }
  return chunks;
}

/** Music-like test signal: two tones and some noise, near full scale. */
function testSignal(rate: number, length: number, seed = 1): Int16Array {
  const rnd = prng(seed);
  const a = sineWave(440, rate, length, 0.45);
  const b = sineWave(3000, rate, length, 0.3, 1);
  return a.map((v, i) => v + b[i] + Math.round((rnd() - 0.5) * 4000));
}

describe('Pcm16Resampler', () => {
  describe.each(RATIOS)('%i → %i Hz', (inRate, outRate) => {
    it.each([440, 3000])('keeps the frequency and level of a %i Hz sine', (f) => {
      const input = sineWave(f, inRate, inRate, 0.5);
      const out = oneShot(new Pcm16Resampler({ inRate, outRate }), input);
      expect(out.length).toBe(Math.ceil((input.length * outRate) / inRate));
      const edge = Math.round(outRate * 0.05); // well past the filter's settling time
      const zc = zeroCrossingFrequency(out, outRate, edge, out.length - edge);
      expect(Math.abs(zc - f)).toBeLessThan(f * 1e-4);
      const at = goertzelAmplitude(out, f, outRate, edge, out.length - edge, 'blackman-harris');
      const offBy = goertzelAmplitude(out, f * 1.1, outRate, edge, out.length - edge, 'blackman-harris');
      expect(decibels(offBy / at)).toBeLessThan(-80);
      const levelDb = decibels(rms(out, edge, out.length - edge) / rms(input, edge, input.length - edge));
      expect(Math.abs(levelDb)).toBeLessThan(0.2);
    });

    it.each(QUALITIES)('gives the same samples chunk by chunk as in one go (%s)', (quality) => {
      const input = testSignal(inRate, Math.round(inRate * 0.4));
      const expected = oneShot(new Pcm16Resampler({ inRate, outRate, quality }), input);
      for (const seed of [1, 2, 3]) {
        const r = new Pcm16Resampler({ inRate, outRate, quality });
        const parts = randomChunks(input, prng(seed)).map((c) => r.push(c));
        parts.push(r.flush());
        expect(concatSamples(parts)).toEqual(expected);
      }
    });

    it('has no step at chunk edges larger than the one-shot output has', () => {
      const f = 3000;
      const input = sineWave(f, inRate, inRate / 2, 0.9);
      const whole = oneShot(new Pcm16Resampler({ inRate, outRate }), input);
      const r = new Pcm16Resampler({ inRate, outRate });
      const parts = randomChunks(input, prng(7)).map((c) => r.push(c));
      const chunked = concatSamples([...parts, r.flush()]);
      const bound = 2 * Math.PI * (f / outRate) * 0.9 * 32767 * 1.01 + 2; // slope of the sine, plus rounding
      expect(maxStep(chunked)).toBe(maxStep(whole));
      // Away from the start and the abrupt end of the tone (which ring, as they should):
      const from = Math.round(outRate * 0.01);
      const to = chunked.length - from;
      expect(maxStep(chunked, from, to)).toBeLessThan(bound);
      // Each chunk joins its neighbour like the samples inside it.
      let at = 0;
      for (const p of parts) {
        at += p.length;
        if (at > from && at < to) expect(Math.abs(chunked[at] - chunked[at - 1])).toBeLessThan(bound);
      }
    });

    it('continues identically from a snapshot restored on another instance (structured clone)', () => {
      const input = testSignal(inRate, Math.round(inRate * 0.3), 5);
      const expected = oneShot(new Pcm16Resampler({ inRate, outRate }), input);
      const chunks = randomChunks(input, prng(11));
      const half = Math.floor(chunks.length / 2);
      const first = new Pcm16Resampler({ inRate, outRate });
      const parts = chunks.slice(0, half).map((c) => first.push(c));
      const state = structuredClone(first.snapshot());
      expect(Object.prototype.toString.call(state.history)).toBe('[object Int16Array]');
      expect(state.history.length).toBeLessThan(first.tapsPerPhase);
      const second = Pcm16Resampler.fromSnapshot(state);
      parts.push(...chunks.slice(half).map((c) => second.push(c)), second.flush());
      expect(concatSamples(parts)).toEqual(expected);
      // The snapshot is a copy: the first instance goes on unchanged too.
      const rest = concatSamples([...chunks.slice(half).map((c) => first.push(c)), first.flush()]);
      expect(rest).toEqual(expected.subarray(expected.length - rest.length));
    });

    it('turns silence into silence, and a constant into the same constant', () => {
      const silent = new Pcm16Resampler({ inRate, outRate });
      expect(oneShot(silent, new Int16Array(5000)).every((v) => v === 0)).toBe(true);
      const dc = oneShot(new Pcm16Resampler({ inRate, outRate }), new Int16Array(inRate / 10).fill(12345));
      const settled = dc.subarray(Math.round(outRate * 0.01), dc.length - Math.round(outRate * 0.01));
      expect(settled.every((v) => Math.abs(v - 12345) <= 1)).toBe(true);
    });

    it('returns the tail in flush and starts a fresh stream after it', () => {
      const input = testSignal(inRate, 4801, 9);
      const r = new Pcm16Resampler({ inRate, outRate });
      expect(r.outputLengthFor(input.length)).toBe(r.push(input.subarray(0, 0)).length + r.outputLengthFor(input.length));
      const head = r.push(input);
      const tail = r.flush();
      expect(tail.length).toBeGreaterThan(0);
      expect(head.length + tail.length).toBe(Math.ceil((input.length * outRate) / inRate));
      expect(concatSamples([head, tail])).toEqual(oneShot(new Pcm16Resampler({ inRate, outRate }), input));
      expect(oneShot(r, input)).toEqual(concatSamples([head, tail]));
      expect(r.flush()).toHaveLength(0);
    });
  });

  it('holds back exactly the look-ahead: the output of a push is announced by outputLengthFor', () => {
    const r = new Pcm16Resampler({ inRate: 48000, outRate: 16000 });
    const rnd = prng(3);
    for (let i = 0; i < 50; i++) {
      const chunk = sineWave(440, 48000, 480);
      const expected = r.outputLengthFor(chunk.length);
      expect(r.push(chunk)).toHaveLength(expected);
      if (rnd() < 0.3) r.push(new Int16Array(1));
    }
    // 10 ms microphone frames give 160 samples each once the look-ahead is filled.
    expect(r.push(new Int16Array(480))).toHaveLength(160);
    // A huge push in between changes nothing.
    const big = sineWave(440, 48000, 480_000);
    const ref = new Pcm16Resampler({ inRate: 48000, outRate: 16000 });
    ref.restore(r.snapshot());
    const chunked = concatSamples([...Array.from({ length: 1000 }, (_, i) => ref.push(big.subarray(i * 480, i * 480 + 480))), ref.push(sineWave(440, 48000, 480))]);
    expect(concatSamples([r.push(big), r.push(sineWave(440, 48000, 480))])).toEqual(chunked);
  });

  it('rejects a 12 kHz tone by at least 60 dB when going 48 kHz → 16 kHz (no aliasing to 4 kHz)', () => {
    for (const quality of QUALITIES) {
      const input = sineWave(12000, 48000, 48000, 0.9);
      const out = oneShot(new Pcm16Resampler({ inRate: 48000, outRate: 16000, quality }), input);
      const edge = 800;
      expect(decibels(rms(out, edge, out.length - edge) / rms(input))).toBeLessThan(-60);
    }
    const input = sineWave(9001, 48000, 48000, 0.9); // just above the 8 kHz output Nyquist frequency
    const out = oneShot(new Pcm16Resampler({ inRate: 48000, outRate: 16000 }), input);
    expect(decibels(goertzelAmplitude(out, 16000 - 9001, 16000, 800, 15200, 'blackman-harris') / (0.9 * 32767))).toBeLessThan(-90);
  });

  it('suppresses the image of a 5 kHz tone (at 19 kHz) when going 24 kHz → 48 kHz', () => {
    const out = oneShot(new Pcm16Resampler({ inRate: 24000, outRate: 48000 }), sineWave(5000, 24000, 24000, 0.5));
    const tone = goertzelAmplitude(out, 5000, 48000, 2400, 45600, 'blackman-harris');
    const image = goertzelAmplitude(out, 19000, 48000, 2400, 45600, 'blackman-harris');
    expect(decibels(image / tone)).toBeLessThan(-90);
  });

  it('clips to int16 instead of wrapping around', () => {
    const square = new Int16Array(4800).map((_, i) => (Math.floor(i / 60) % 2 === 0 ? 32767 : -32768));
    const out = oneShot(new Pcm16Resampler({ inRate: 24000, outRate: 48000 }), square);
    expect(Math.max(...out)).toBe(32767);
    expect(Math.min(...out)).toBe(-32768);
    // Gibbs overshoot is clipped: the middle of each plateau keeps its sign.
    for (let i = 60; i < 9000; i += 120) expect(Math.sign(out[i])).toBe(Math.floor(i / 120) % 2 === 0 ? 1 : -1);
  });

  it('designs the coefficients once per ratio and quality', () => {
    new Pcm16Resampler({ inRate: 44100, outRate: 48000 });
    const count = cachedFilterCount();
    new Pcm16Resampler({ inRate: 88200, outRate: 96000 }); // the same 160/147 ratio
    new Pcm16Resampler({ inRate: 44100, outRate: 48000 });
    expect(cachedFilterCount()).toBe(count);
  });

  it('refuses bad rates and snapshots of another stream kind', () => {
    expect(() => new Pcm16Resampler({ inRate: 0, outRate: 16000 })).toThrow(RangeError);
    expect(() => new Pcm16Resampler({ inRate: 44100.5, outRate: 16000 })).toThrow(RangeError);
    expect(() => new Pcm16Resampler({ inRate: 48000, outRate: 44101 })).toThrow(/filter phases/);
    const snap = new Pcm16Resampler({ inRate: 24000, outRate: 48000 }).snapshot();
    expect(() => new Pcm16Resampler({ inRate: 48000, outRate: 16000 }).restore(snap)).toThrow(/does not fit/);
    const bad: Pcm16ResamplerSnapshot = { ...snap, phase: 5 };
    expect(() => Pcm16Resampler.fromSnapshot(bad)).toThrow(/malformed/);
  });
});
