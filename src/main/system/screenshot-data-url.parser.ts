/** Largest screenshot accepted (decoded bytes); the JSON body limit is 32 MiB. */
export const MAX_SCREENSHOT_BYTES = 16 * 1024 * 1024;

export type ImageKind = 'image/jpeg' | 'image/png' | 'image/webp';

export interface DecodedImage {
  readonly mime: ImageKind;
  readonly base64: string;
  readonly bytes: number;
}

/** The image type from its first bytes; the declared type of a data URL is not trusted. */
export function sniffImage(buf: Uint8Array): ImageKind | undefined {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => buf[i] === b)) return 'image/png';
  if (buf.length >= 12 && String.fromCharCode(...buf.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...buf.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * `data:image/<type>;base64,<data>` (or bare base64) → a JPEG, PNG or WebP image; undefined when
 * it is malformed, too large or not one of those images. The original re-encoded to JPEG with PIL;
 * vision endpoints take all three, so the image is passed on as it is, with its real type.
 */
export function decodeScreenshot(dataUrl: string): DecodedImage | undefined {
  const match = /^data:(image\/[a-z0-9.+-]+)?(;[a-z0-9=.+-]+)*;base64,/i.exec(dataUrl);
  if (dataUrl.startsWith('data:') && !match) return undefined;
  const payload = (match ? dataUrl.slice(match[0].length) : dataUrl).replace(/\s+/g, '');
  if (payload === '' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) return undefined;
  if (Math.floor((payload.length * 3) / 4) > MAX_SCREENSHOT_BYTES) return undefined;
  const buf = Buffer.from(payload, 'base64');
  const mime = sniffImage(buf);
  if (!mime) return undefined;
  return { mime, base64: buf.toString('base64'), bytes: buf.length };
}
