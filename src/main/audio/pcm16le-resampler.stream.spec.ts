import { concatSamples, sineWave } from './audio-signal.analysis';
import { Pcm16Resampler } from './pcm16-resampler';
import { decodePcm16le, encodePcm16le } from './pcm16le.codec';
import { Pcm16leResamplerStream, type Pcm16leResamplerStreamSnapshot } from './pcm16le-resampler.stream';

/** The reference: decode everything, resample in one go, encode. */
function oneShot(bytes: Buffer, inRate: number, outRate: number): Buffer {
  const r = new Pcm16Resampler({ inRate, outRate });
  return encodePcm16le(concatSamples([r.push(decodePcm16le(bytes)), r.flush()]));
}

/** Byte chunk sizes as they come off a socket: odd and even, tiny and large. */
function split(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const parts: Buffer[] = [];
  for (let off = 0, i = 0; off < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    parts.push(bytes.subarray(off, off + n));
    off += n;
  }
  return parts;
}

describe('Pcm16leResamplerStream', () => {
  it.each([
    [24000, 48000],
    [48000, 16000],
  ])('%i → %i Hz: odd byte chunks give even frames equal to the one-shot bytes', (inRate, outRate) => {
    const input = Buffer.from(encodePcm16le(sineWave(440, inRate, inRate / 5)));
    const stream = new Pcm16leResamplerStream({ inRate, outRate });
    const frames = split(input, [1, 959, 960, 3, 1, 961, 2]).map((c) => stream.push(c));
    frames.push(stream.flush());
    for (const f of frames) expect(f.length % 2).toBe(0);
    expect(Buffer.concat(frames)).toEqual(oneShot(input, inRate, outRate));
  });

  it('runs each chunk as a stateless task whose state goes along (as on a worker pool)', () => {
    const input = Buffer.from(encodePcm16le(sineWave(1000, 48000, 4800)));
    const chunks = split(input, [961, 1, 960, 7]);
    const frames: Buffer[] = [];
    let state: Pcm16leResamplerStreamSnapshot | { inRate: number; outRate: number } = { inRate: 48000, outRate: 16000 };
    chunks.forEach((c, i) => {
      // structuredClone is what postMessage does between worker threads.
      const result = structuredClone(Pcm16leResamplerStream.step(state, c, i === chunks.length - 1));
      frames.push(Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength));
      state = result.snapshot;
    });
    for (const f of frames) expect(f.length % 2).toBe(0);
    expect(Buffer.concat(frames)).toEqual(oneShot(input, 48000, 16000));
  });

  it('drops a lone trailing byte at the end and starts over cleanly', () => {
    const stream = new Pcm16leResamplerStream({ inRate: 24000, outRate: 48000 });
    const input = Buffer.from(encodePcm16le(sineWave(440, 24000, 240)));
    stream.push(Buffer.concat([input, Buffer.from([0x7f])]));
    expect(stream.flush().length).toBeGreaterThan(0);
    expect(stream.snapshot().decoder.carry).toBe(-1);
    const again = Buffer.concat([stream.push(input), stream.flush()]);
    expect(again).toEqual(oneShot(input, 24000, 48000));
    expect([stream.inRate, stream.outRate]).toEqual([24000, 48000]);
  });
});
