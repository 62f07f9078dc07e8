import { checkJpegDataUrl, checkText, isWholeJpeg, MAX_AUDIO_SAMPLES, MAX_IMAGE_BYTES, MAX_TEXT_CHARS, packMicAudio, stripTags, TagStripper } from './stream-frame.validator';

const jpeg = (body = Buffer.from([0xff, 0xdb, 0x00, 0x43, 1, 2, 3])) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), body, Buffer.from([0xff, 0xd9])]);
const dataUrl = (bytes: Buffer) => `data:image/jpeg;base64,${bytes.toString('base64')}`;

describe('stream_data checks (spec §4.4)', () => {
  it('text: a string, bounded, not blank', () => {
    expect(checkText('你好')).toEqual({ ok: true, text: '你好' });
    expect(checkText(42)).toEqual({ ok: false, reason: 'not_string' });
    expect(checkText('   ')).toEqual({ ok: false, reason: 'empty' });
    expect(checkText('x'.repeat(MAX_TEXT_CHARS + 1))).toEqual({ ok: false, reason: 'too_long' });
    expect(checkText('x'.repeat(MAX_TEXT_CHARS)).ok).toBe(true);
  });

  it('audio: int16 integers packed little-endian; 480 samples = 48 kHz, else 16 kHz', () => {
    const mic = packMicAudio([1, -1, 32767, -32768])!;
    expect(mic.rate).toBe(16_000);
    expect([...mic.pcm]).toEqual([1, 0, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x80]);
    expect(packMicAudio(new Array(480).fill(0))!.rate).toBe(48_000);
    expect(packMicAudio(new Array(512).fill(0))!.rate).toBe(16_000);
  });

  it('audio: anything out of range, fractional, non-numeric, empty or too long drops the chunk', () => {
    expect(packMicAudio([0, 32768])).toBeUndefined();
    expect(packMicAudio([0, -32769])).toBeUndefined();
    expect(packMicAudio([0.5])).toBeUndefined();
    expect(packMicAudio(['1'])).toBeUndefined();
    expect(packMicAudio([NaN])).toBeUndefined();
    expect(packMicAudio([])).toBeUndefined();
    expect(packMicAudio('0,1')).toBeUndefined();
    expect(packMicAudio(new Array(MAX_AUDIO_SAMPLES + 1).fill(0))).toBeUndefined();
  });

  it('images: only whole JPEG data URLs, payload returned without the prefix', () => {
    const bytes = jpeg();
    expect(checkJpegDataUrl(dataUrl(bytes))).toBe(bytes.toString('base64'));
    expect(checkJpegDataUrl(`data:image/png;base64,${bytes.toString('base64')}`)).toBeUndefined();
    expect(checkJpegDataUrl(dataUrl(Buffer.from('not a jpeg at all')))).toBeUndefined();
    expect(checkJpegDataUrl(dataUrl(bytes.subarray(0, bytes.length - 2)))).toBeUndefined(); // no EOI: cut off
    expect(checkJpegDataUrl('data:image/jpeg;base64,@@@@')).toBeUndefined();
    expect(checkJpegDataUrl(123)).toBeUndefined();
  });

  it('images: over 10 MiB decoded is refused', () => {
    const big = jpeg(Buffer.alloc(MAX_IMAGE_BYTES));
    expect(isWholeJpeg(big)).toBe(true);
    expect(checkJpegDataUrl(dataUrl(big))).toBeUndefined();
  });
});

describe('reply tags', () => {
  it('stripTags removes <...> within a chunk', () => {
    expect(stripTags('你好<happy>呀')).toBe('你好呀');
  });

  it('TagStripper removes a tag split over chunks and keeps a lone "<"', () => {
    const t = new TagStripper();
    expect(['喵<s', 'mil', 'e>好', '的'].map((c) => t.push(c)).join('')).toBe('喵好的');
    expect(t.push('a<b')).toBe('a');
    expect(t.flush()).toBe('<b');
    expect(t.push('1 < 2 <x> 3')).toBe(stripTags('1 < 2 <x> 3'));
    expect(t.push('1 < 2 <x> 3')).toBe('1 < 2  3');
    expect(t.push('<' + 'y'.repeat(100))).toBe('<' + 'y'.repeat(100));
  });
});
