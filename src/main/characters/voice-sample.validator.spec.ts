import { checkVoiceSample } from './voice-sample.validator';
import { parseWavHeader, WavFormatError } from './wav-header.util';

function wav(fmt: { tag?: number; channels?: number; rate?: number; bits?: number; fmtSize?: number; withData?: boolean; extraChunk?: boolean }): Buffer {
  const { tag = 1, channels = 1, rate = 16000, bits = 16, fmtSize = 16, withData = true, extraChunk = false } = fmt;
  const f = Buffer.alloc(fmtSize);
  f.writeUInt16LE(tag, 0);
  f.writeUInt16LE(channels, 2);
  f.writeUInt32LE(rate, 4);
  if (fmtSize >= 16) f.writeUInt16LE(bits, 14);
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const parts = [Buffer.from('WAVE'), ...(extraChunk ? [chunk('LIST', Buffer.from('odd'))] : []), chunk('fmt ', f), ...(withData ? [chunk('data', Buffer.alloc(32))] : [])];
  const body = Buffer.concat(parts);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('parseWavHeader', () => {
  it('reads channels, rate and sample width, skipping other (odd-sized) chunks', () => {
    expect(parseWavHeader(wav({ channels: 2, rate: 44100, bits: 24, extraChunk: true }))).toEqual({ channels: 2, sampleRate: 44100, sampleWidth: 3 });
    expect(parseWavHeader(wav({ tag: 0xfffe, fmtSize: 40 }))).toEqual({ channels: 1, sampleRate: 16000, sampleWidth: 2 });
  });

  it('refuses what Python wave refuses', () => {
    expect(() => parseWavHeader(Buffer.from('RIFX0000WAVE'))).toThrow('file does not start with RIFF id');
    expect(() => parseWavHeader(Buffer.from('RIFF0000AVI '))).toThrow('not a WAVE file');
    expect(() => parseWavHeader(wav({ tag: 3 }))).toThrow('unknown format: 3');
    expect(() => parseWavHeader(wav({ withData: false }))).toThrow(WavFormatError);
    expect(() => parseWavHeader(wav({ channels: 0 }))).toThrow('bad # of channels');
    expect(() => parseWavHeader(wav({}).subarray(0, 30))).toThrow(WavFormatError);
    expect(() => parseWavHeader(Buffer.alloc(0))).toThrow(WavFormatError);
  });
});

describe('checkVoiceSample', () => {
  it('accepts 16-bit mono WAV at the standard rates', () => {
    for (const rate of [8000, 16000, 22050, 44100, 48000]) expect(checkVoiceSample('v.wav', wav({ rate }))).toEqual({ ok: true, mime: 'audio/wav' });
  });

  it('MP3 and M4A: size and box checks, header problems only warn', () => {
    const mp3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(2000)]);
    expect(checkVoiceSample('v.mp3', mp3)).toEqual({ ok: true, mime: 'audio/mpeg', warning: undefined });
    expect(checkVoiceSample('v.mp3', Buffer.alloc(2000))).toMatchObject({ ok: true, warning: '警告: MP3文件可能格式不标准，文件头: 00000000' });
    expect(checkVoiceSample('v.mp3', Buffer.alloc(2000), 20 * 1024 * 1024)).toEqual({ ok: false, error: 'MP3文件太大，可能不是有效的音频文件。' });
    const m4a = Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from('ftypM4A '), Buffer.alloc(40)]);
    expect(checkVoiceSample('v.m4a', m4a)).toEqual({ ok: true, mime: 'audio/mp4', warning: undefined });
    const oddBrand = Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from('ftypqt  '), Buffer.alloc(40)]);
    expect(checkVoiceSample('v.M4A', oddBrand)).toMatchObject({ ok: true, warning: expect.stringContaining('警告') as unknown });
  });

  it('names the extension it refuses (also none at all)', () => {
    expect(checkVoiceSample('voice', Buffer.alloc(10))).toEqual({ ok: false, error: '不支持的文件格式: 。仅支持 WAV、MP3 和 M4A 格式。' });
    expect(checkVoiceSample('a.flac', Buffer.alloc(10))).toEqual({ ok: false, error: '不支持的文件格式: .flac。仅支持 WAV、MP3 和 M4A 格式。' });
  });
});
