import { decodeScreenshot, MAX_SCREENSHOT_BYTES, sniffImage } from './screenshot-data-url.parser';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([8, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);

describe('screenshot data URLs', () => {
  it('sniffs JPEG, PNG and WebP from their magic bytes', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(JPEG)).toBe('image/jpeg');
    expect(sniffImage(WEBP)).toBe('image/webp');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImage(Buffer.alloc(0))).toBeUndefined();
  });

  it('decodes a data URL and trusts the bytes, not the declared type', () => {
    expect(decodeScreenshot(`data:image/jpeg;base64,${PNG.toString('base64')}`)).toEqual({ mime: 'image/png', base64: PNG.toString('base64'), bytes: PNG.length });
    expect(decodeScreenshot(JPEG.toString('base64'))?.mime).toBe('image/jpeg');
  });

  it('refuses what is not an image, malformed base64, other data URLs and oversized payloads', () => {
    expect(decodeScreenshot(`data:image/png;base64,${Buffer.from('hello').toString('base64')}`)).toBeUndefined();
    expect(decodeScreenshot('data:image/png;base64,@@@')).toBeUndefined();
    expect(decodeScreenshot('data:text/plain,hello')).toBeUndefined();
    expect(decodeScreenshot('')).toBeUndefined();
    expect(decodeScreenshot(`data:image/png;base64,${'A'.repeat(Math.ceil((MAX_SCREENSHOT_BYTES * 4) / 3) + 8)}`)).toBeUndefined();
  });
});
