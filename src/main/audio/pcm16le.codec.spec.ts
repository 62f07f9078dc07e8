import { concatSamples, sineWave } from './audio-signal.analysis';
import { Pcm16Resampler } from './pcm16-resampler';
import { decodePcm16le, encodePcm16le, Pcm16leDecoder } from './pcm16le.codec';

describe('PCM16LE codec', () => {
  it('decodes little-endian int16 and encodes back byte for byte', () => {
    const bytes = Buffer.from([0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f]);
    const samples = decodePcm16le(bytes);
    expect(Array.from(samples)).toEqual([1, -1, -32768, 32767]);
    expect(encodePcm16le(samples)).toEqual(bytes);
  });

  it('reads a Buffer at an odd byte offset (pooled slices)', () => {
    const backing = Buffer.alloc(9);
    backing.writeInt16LE(-2, 1);
    backing.writeInt16LE(300, 3);
    expect(Array.from(decodePcm16le(backing.subarray(1, 5)))).toEqual([-2, 300]);
  });

  it('keeps an odd last byte for the next chunk, whatever the split', () => {
    const samples = sineWave(440, 48000, 1000);
    const bytes = Buffer.from(encodePcm16le(samples));
    for (const cut of [[1], [3, 1, 1, 2], [7, 0, 5], [1, 1, 1, 1, 1]]) {
      const decoder = new Pcm16leDecoder();
      const parts: Int16Array[] = [];
      let off = 0;
      for (let i = 0; off < bytes.length; i++) {
        const n = cut[i % cut.length];
        parts.push(decoder.decode(bytes.subarray(off, off + n)));
        off += n;
        expect(decoder.pending).toBe(off % 2 === 1 && off <= bytes.length);
      }
      expect(concatSamples(parts)).toEqual(samples);
    }
  });

  it('drops a trailing odd byte in one-shot decoding and on reset', () => {
    expect(Array.from(decodePcm16le(Buffer.from([0x02, 0x00, 0x05])))).toEqual([2]);
    const d = new Pcm16leDecoder();
    d.decode(Buffer.from([0x09]));
    d.reset();
    expect(Array.from(d.decode(Buffer.from([0x03, 0x00])))).toEqual([3]);
  });

  it('carries the half sample through a snapshot', () => {
    const a = new Pcm16leDecoder();
    expect(a.decode(Buffer.from([0x34, 0x12, 0x78]))).toEqual(new Int16Array([0x1234]));
    const b = new Pcm16leDecoder();
    b.restore(structuredClone(a.snapshot()));
    expect(Array.from(b.decode(Buffer.from([0x56])))).toEqual([0x5678]);
    expect(() => b.restore({ carry: 256 })).toThrow(RangeError);
  });

  it('gives even-length frames for any resampled stream of odd-length byte chunks', () => {
    const input = Buffer.from(encodePcm16le(sineWave(1000, 24000, 2400)));
    const decoder = new Pcm16leDecoder();
    const r = new Pcm16Resampler({ inRate: 24000, outRate: 48000 });
    const frames: Buffer[] = [];
    const sizes = [1, 3, 479, 960, 1, 2, 961, 5];
    for (let off = 0, i = 0; off < input.length; i++) {
      const n = sizes[i % sizes.length];
      frames.push(encodePcm16le(r.push(decoder.decode(input.subarray(off, off + n)))));
      off += n;
    }
    frames.push(encodePcm16le(r.flush()));
    for (const f of frames) expect(f.length % 2).toBe(0);
    const whole = new Pcm16Resampler({ inRate: 24000, outRate: 48000 });
    const expected = encodePcm16le(concatSamples([whole.push(decodePcm16le(input)), whole.flush()]));
    expect(Buffer.concat(frames)).toEqual(expected);
    expect(expected.length).toBe(input.length * 2);
  });
});
