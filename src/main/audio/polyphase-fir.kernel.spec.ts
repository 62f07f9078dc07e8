import { sineWave } from './audio-signal.analysis';
import { Pcm16Resampler } from './pcm16-resampler';
import { polyphaseFilter, type ResamplerQuality } from './polyphase-filter.design';
import { convolvePolyphase, toInt16 } from './polyphase-fir.kernel';

/** The textbook definition: y[n] = Σ_t x[k − half + 1 + t] · h_p[t], k = ⌊nM/L⌋, p = nM mod L, x = 0 outside. */
function reference(input: Int16Array, inRate: number, outRate: number, quality: ResamplerQuality): Int16Array {
  const { up, down, taps, half, coefficients } = polyphaseFilter(inRate, outRate, quality);
  const out = new Int16Array(Math.ceil((input.length * up) / down));
  for (let n = 0; n < out.length; n++) {
    const k = Math.floor((n * down) / up);
    const p = (n * down) % up;
    let a = 0;
    for (let t = 0; t < taps; t++) {
      const i = k - half + 1 + t;
      if (i >= 0 && i < input.length) a += input[i] * coefficients[p * taps + t];
    }
    out[n] = toInt16(a);
  }
  return out;
}

function mixed(rate: number, length: number): Int16Array {
  const a = sineWave(523, rate, length, 0.4);
  const b = sineWave(rate / 7, rate, length, 0.3, 0.5);
  return a.map((v, i) => v + b[i] + ((i * 7919) % 2001) - 1000);
}

describe('polyphase FIR kernel', () => {
  it.each([
    [24000, 48000, 'medium', true],
    [48000, 16000, 'medium', true],
    [16000, 24000, 'high', true],
    [8000, 48000, 'fast', true],
    [48000, 8000, 'fast', true],
    [22050, 48000, 'medium', false],
    [44100, 16000, 'fast', false],
  ] as const)('%i → %i Hz (%s) matches the textbook sum (split streams: %s)', (inRate, outRate, quality, split) => {
    expect(polyphaseFilter(inRate, outRate, quality).residueCoefficients !== undefined).toBe(split);
    const input = mixed(inRate, 3001);
    const r = new Pcm16Resampler({ inRate, outRate, quality });
    const got = new Int16Array([...r.push(input), ...r.flush()]);
    const want = reference(input, inRate, outRate, quality);
    expect(got.length).toBe(want.length);
    // Only the order of the additions differs: at most a rare ±1 where a value sits on a rounding edge.
    let differ = 0;
    for (let i = 0; i < got.length; i++) {
      expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1);
      if (got[i] !== want[i]) differ++;
    }
    expect(differ).toBeLessThanOrEqual(Math.ceil(got.length / 1000));
  });

  it('fills exactly the requested outputs and reports the consumed input and phase', () => {
    const f = polyphaseFilter(24000, 48000, 'medium');
    const x = mixed(24000, 1000);
    const out = new Int16Array(101); // odd: 96 in blocks, 5 one by one
    const { consumed, phase } = convolvePolyphase(f, x, x.length, 1, out);
    // Outputs at phases 1, 0, 1, …: output j starts at ⌊(1 + j) / 2⌋, the next (j = 101) at 51, phase 0.
    expect(consumed).toBe(51);
    expect(phase).toBe(0);
    const single = new Int16Array(1);
    for (const j of [0, 50, 100]) {
      const start = Math.floor((1 + j) / 2);
      convolvePolyphase(f, x.subarray(start), x.length - start, (1 + j) % 2, single);
      expect(single[0]).toBe(out[j]);
    }
  });

  it('rounds halves away from zero and clips', () => {
    expect([0.5, -0.5, 1.49, -1.5, 40000, -40000, -32768.4].map(toInt16)).toEqual([1, -1, 1, -2, 32767, -32768, -32768]);
  });
});
