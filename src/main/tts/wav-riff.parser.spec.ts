import { wavFromPcm16 } from '../../../test/fake-openai/pcm-audio.util';
import { Pcm48kChunkStream, toPcm48kFrames } from './pcm48k-chunk.stream';
import { TTS_CHUNK_BYTES } from './tts.port';
import { looksLikeRiff, parseWav, parseWavHeader, WavFormatError } from './wav-riff.parser';

function riff(chunks: Array<[string, Buffer]>): Buffer {
  const body = chunks.map(([id, data]) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(data.length, 4);
    return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  });
  const head = Buffer.from('RIFF\0\0\0\0WAVE', 'latin1');
  head.writeUInt32LE(4 + body.reduce((n, b) => n + b.length, 0), 4);
  return Buffer.concat([head, ...body]);
}

function fmt(rate: number, channels = 1, bits = 16, tag = 1): Buffer {
  const f = Buffer.alloc(16);
  f.writeUInt16LE(tag, 0);
  f.writeUInt16LE(channels, 2);
  f.writeUInt32LE(rate, 4);
  f.writeUInt32LE((rate * channels * bits) / 8, 8);
  f.writeUInt16LE((channels * bits) / 8, 12);
  f.writeUInt16LE(bits, 14);
  return f;
}

describe('WAV RIFF parser', () => {
  const pcm = Buffer.from(Int16Array.from([1, -2, 300, -400, 5000]).buffer);

  it('reads the format and the samples, skipping other (odd-sized) chunks', () => {
    const wav = riff([['LIST', Buffer.from('abc')], ['fmt ', fmt(22_050)], ['data', pcm], ['LIST', Buffer.from('tail')]]);
    expect(looksLikeRiff(wav)).toBe(true);
    const parsed = parseWav(wav);
    expect(parsed).toMatchObject({ sampleRate: 22_050, channels: 1, bitsPerSample: 16 });
    expect(parsed.pcm.equals(pcm)).toBe(true);
    expect(parseWav(wavFromPcm16(pcm, 24_000)).pcm.equals(pcm)).toBe(true);
  });

  it('needs more bytes until the data chunk, and takes an open data size to the end', () => {
    const wav = riff([['fmt ', fmt(24_000)], ['data', pcm]]);
    for (let n = 0; n < 44; n++) expect(parseWavHeader(wav.subarray(0, n))).toBeUndefined();
    expect(parseWavHeader(wav.subarray(0, 44))).toMatchObject({ dataOffset: 44, dataBytes: pcm.length });
    const open = Buffer.from(wav);
    open.writeUInt32LE(0xffffffff, 40);
    expect(parseWavHeader(open)?.dataBytes).toBeUndefined();
    expect(parseWav(open).pcm.equals(pcm)).toBe(true);
    const truncated = parseWav(wav.subarray(0, wav.length - 3)); // data shorter than declared: whole samples only
    expect(truncated.pcm.length).toBe(pcm.length - 4);
  });

  it('refuses what is not 16-bit mono PCM', () => {
    expect(() => parseWav(Buffer.from('RIFF\0\0\0\0AVI LIST', 'latin1'))).toThrow(WavFormatError);
    expect(() => parseWav(riff([['fmt ', fmt(24_000, 2)], ['data', pcm]]))).toThrow(/channels/);
    expect(() => parseWav(riff([['fmt ', fmt(24_000, 1, 8)], ['data', pcm]]))).toThrow(/8-bit/);
    expect(() => parseWav(riff([['fmt ', fmt(24_000, 1, 16, 3)], ['data', pcm]]))).toThrow(/not PCM/);
    expect(() => parseWav(riff([['data', pcm], ['fmt ', fmt(24_000)]]))).toThrow(/before its fmt/);
    expect(() => parseWav(riff([['fmt ', fmt(24_000)]]))).toThrow(/ends before/);
    expect(looksLikeRiff(Buffer.from('RIF'))).toBe(false);
  });
});

describe('Pcm48kChunkStream', () => {
  const sine = (rate: number, seconds: number): Buffer => {
    const s = new Int16Array(Math.round(rate * seconds));
    for (let i = 0; i < s.length; i++) s[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rate));
    return Buffer.from(s.buffer);
  };

  it.each([22_050, 24_000, 16_000])('resamples %d Hz to 48 kHz in 100 ms frames, whatever the input chunking', (rate) => {
    const input = sine(rate, 0.73);
    const whole = Buffer.concat(toPcm48kFrames(input, rate));
    expect(whole.length / 2).toBe(Math.ceil(((input.length / 2) * 48_000) / rate));
    const stream = new Pcm48kChunkStream(rate);
    const frames: Buffer[] = [];
    for (let i = 0; i < input.length; i += 777) frames.push(...stream.push(input.subarray(i, i + 777))); // odd sizes split samples
    frames.push(...stream.end());
    expect(Buffer.concat(frames).equals(whole)).toBe(true);
    expect(frames.slice(0, -1).every((f) => f.length === TTS_CHUNK_BYTES)).toBe(true);
    expect(frames.every((f) => f.length % 2 === 0 && f.length > 4)).toBe(true);
    expect(stream.end()).toEqual([]);
    expect(() => stream.push(input)).toThrow(/ended/);
  });

  it('passes 48 kHz through, pads a tiny tail, and checks its arguments', () => {
    const input = Buffer.alloc(TTS_CHUNK_BYTES + 2, 1);
    const stream = new Pcm48kChunkStream(48_000);
    const frames = [...stream.push(input.subarray(0, 5)), ...stream.push(input.subarray(5)), ...stream.end()];
    expect(frames.map((f) => f.length)).toEqual([TTS_CHUNK_BYTES, 6]);
    expect(Buffer.concat(frames).subarray(0, input.length).equals(input)).toBe(true);
    expect(() => new Pcm48kChunkStream(1000)).toThrow(RangeError);
    expect(() => new Pcm48kChunkStream(24_000, 5)).toThrow(RangeError);
  });
});
