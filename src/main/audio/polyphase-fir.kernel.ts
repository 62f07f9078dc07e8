import type { PolyphaseFilter } from './polyphase-filter.design';

/**
 * The inner loops of the resampler. Output n reads taps input samples from position pos(n) with
 * coefficient row phase(n); both advance by M/L per output. Outputs n, n + L, n + 2L, … share a
 * row and start M input samples apart, so they are computed in blocks that load each coefficient
 * once. Every output adds its products in one fixed order on every path (block or single), so the
 * samples never depend on where a chunk ended.
 */

export interface KernelResult {
  /** Input samples consumed (position of the next output's first tap). */
  readonly consumed: number;
  /** Phase of the next output. */
  readonly phase: number;
}

/** Fills `out` from x[0 …], starting at `phase`. The caller guarantees every output's window is inside x. */
export function convolvePolyphase(filter: PolyphaseFilter, x: Int16Array, len: number, phase: number, out: Int16Array): KernelResult {
  return filter.residueCoefficients ? convolveDeinterleaved(filter, filter.residueCoefficients, x, len, phase, out) : convolveDirect(filter, x, phase, out);
}

/** Rounds to the nearest integer (halves away from zero) and clips to int16. */
export function toInt16(v: number): number {
  const r = v < 0 ? -Math.round(-v) : Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/**
 * Small M (24k→48k: M = 1, 48k→16k: M = 3): the input is split into M streams x_q[k] = x[kM + q],
 * so the block's outputs read consecutive samples of one stream and a sliding window of registers
 * needs one load per tap for six outputs. Sum order: residue q, then tap s (coefficient Ms + q).
 */
function convolveDeinterleaved(f: PolyphaseFilter, rc: Float64Array, x: Int16Array, len: number, phase0: number, out: Int16Array): KernelResult {
  const { up, down, taps } = f;
  const span = Math.ceil(len / down);
  const xs = new Float64Array(down * span);
  for (let q = 0; q < down; q++) for (let k = 0, i = q; i < len; k++, i += down) xs[q * span + k] = x[i];
  const count = out.length;
  const stepInt = Math.floor(down / up);
  const stepFrac = down % up;
  let pos = 0;
  let phase = phase0;
  let n = 0;
  for (; n + 6 * up <= count; n += 6 * up) {
    let p = pos;
    let ph = phase;
    for (let r = 0; r < up; r++) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
      let c = ph * taps;
      for (let q = 0; q < down; q++) {
        const j = p + q;
        const residue = j % down;
        const base = residue * span + (j - residue) / down;
        const end = c + Math.ceil((taps - q) / down);
        let x0 = xs[base], x1 = xs[base + 1], x2 = xs[base + 2], x3 = xs[base + 3], x4 = xs[base + 4];
        for (let i = base + 5; c < end; c++, i++) {
          const x5 = xs[i];
          const k = rc[c];
          a0 += x0 * k;
          a1 += x1 * k;
          a2 += x2 * k;
          a3 += x3 * k;
          a4 += x4 * k;
          a5 += x5 * k;
          x0 = x1;
          x1 = x2;
          x2 = x3;
          x3 = x4;
          x4 = x5;
        }
      }
      const o = n + r;
      out[o] = toInt16(a0);
      out[o + up] = toInt16(a1);
      out[o + 2 * up] = toInt16(a2);
      out[o + 3 * up] = toInt16(a3);
      out[o + 4 * up] = toInt16(a4);
      out[o + 5 * up] = toInt16(a5);
      p += stepInt;
      ph += stepFrac;
      if (ph >= up) {
        ph -= up;
        p++;
      }
    }
    pos += 6 * down;
  }
  for (; n < count; n++) {
    let a = 0;
    let c = phase * taps;
    for (let q = 0; q < down; q++) {
      const j = pos + q;
      const residue = j % down;
      const end = c + Math.ceil((taps - q) / down);
      for (let i = residue * span + (j - residue) / down; c < end; c++, i++) a += xs[i] * rc[c];
    }
    out[n] = toInt16(a);
    pos += stepInt;
    phase += stepFrac;
    if (phase >= up) {
      phase -= up;
      pos++;
    }
  }
  return { consumed: pos, phase };
}

/** Large M (e.g. 22050 → 48000, M = 147): blocks of eight outputs M apart, read straight from x. Sum order: tap t. */
function convolveDirect(f: PolyphaseFilter, x: Int16Array, phase0: number, out: Int16Array): KernelResult {
  const { up, down, taps, coefficients: c } = f;
  const count = out.length;
  const stepInt = Math.floor(down / up);
  const stepFrac = down % up;
  let pos = 0;
  let phase = phase0;
  let n = 0;
  for (; n + 8 * up <= count; n += 8 * up) {
    let p = pos;
    let ph = phase;
    for (let r = 0; r < up; r++) {
      const base = ph * taps;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
      for (let t = 0; t < taps; t++) {
        const k = c[base + t];
        const i = p + t;
        a0 += x[i] * k;
        a1 += x[i + down] * k;
        a2 += x[i + 2 * down] * k;
        a3 += x[i + 3 * down] * k;
        a4 += x[i + 4 * down] * k;
        a5 += x[i + 5 * down] * k;
        a6 += x[i + 6 * down] * k;
        a7 += x[i + 7 * down] * k;
      }
      const o = n + r;
      const acc = [a0, a1, a2, a3, a4, a5, a6, a7];
      for (let b = 0; b < 8; b++) out[o + b * up] = toInt16(acc[b]);
      p += stepInt;
      ph += stepFrac;
      if (ph >= up) {
        ph -= up;
        p++;
      }
    }
    pos += 8 * down;
  }
  for (; n < count; n++) {
    const base = phase * taps;
    let a = 0;
    for (let t = 0; t < taps; t++) a += x[pos + t] * c[base + t];
    out[n] = toInt16(a);
    pos += stepInt;
    phase += stepFrac;
    if (phase >= up) {
      phase -= up;
      pos++;
    }
  }
  return { consumed: pos, phase };
}
