/**
 * Checks of the `stream_data` payloads (spec main-server.md §4.4) and the text clean-up of replies.
 * Anything malformed is refused here, before it reaches a provider.
 */

/** Longest user text message forwarded (characters). */
export const MAX_TEXT_CHARS = 32 * 1024;
/** Most samples in one microphone frame (the UI sends 480 or 512; 1 s at 48 kHz is plenty). */
export const MAX_AUDIO_SAMPLES = 48_000;
/** Spec §4.4: images ≤ 10 MiB decoded. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** Exactly this many samples = a 10 ms desktop frame at 48 kHz (resampled to 16 kHz). */
export const DESKTOP_FRAME_SAMPLES = 480;

const JPEG_PREFIX = 'data:image/jpeg;base64,';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type TextCheck = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: 'not_string' | 'empty' | 'too_long' };

export function checkText(data: unknown): TextCheck {
  if (typeof data !== 'string') return { ok: false, reason: 'not_string' };
  if (data.length > MAX_TEXT_CHARS) return { ok: false, reason: 'too_long' };
  if (data.trim() === '') return { ok: false, reason: 'empty' };
  return { ok: true, text: data };
}

export interface MicAudio {
  /** PCM16LE mono. */
  readonly pcm: Buffer;
  /** 48000 for a 480-sample frame, else 16000 (spec §4.4). */
  readonly rate: 48_000 | 16_000;
}

/**
 * A microphone frame: an array of integers in int16 range → PCM16LE. Anything else (not an array,
 * empty, too long, a value outside int16 or not an integer) → undefined, the chunk is dropped.
 */
export function packMicAudio(data: unknown): MicAudio | undefined {
  if (!Array.isArray(data) || data.length === 0 || data.length > MAX_AUDIO_SAMPLES) return undefined;
  const pcm = Buffer.allocUnsafe(data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -32768 || v > 32767) return undefined;
    pcm.writeInt16LE(v, i * 2);
  }
  return { pcm, rate: data.length === DESKTOP_FRAME_SAMPLES ? 48_000 : 16_000 };
}

/**
 * A screen/camera frame: must be a `data:image/jpeg;base64,` URL whose payload is valid base64,
 * ≤ 10 MiB decoded, and looks like a whole JPEG (SOI at the start, EOI at the end). Returns the
 * base64 payload without the prefix, or undefined (silently ignored, as the spec says).
 */
export function checkJpegDataUrl(data: unknown): string | undefined {
  if (typeof data !== 'string' || !data.startsWith(JPEG_PREFIX)) return undefined;
  const b64 = data.slice(JPEG_PREFIX.length).replace(/\s+/g, '');
  if (b64.length < 8 || b64.length % 4 !== 0 || b64.length > Math.ceil(MAX_IMAGE_BYTES / 3) * 4 || !BASE64.test(b64)) return undefined;
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length > MAX_IMAGE_BYTES || !isWholeJpeg(bytes)) return undefined;
  return b64;
}

/** SOI (FF D8 FF) first; EOI (FF D9) as the last marker, allowing a little trailing padding. */
export function isWholeJpeg(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return false;
  const tailStart = Math.max(2, bytes.length - 32);
  for (let i = bytes.length - 2; i >= tailStart; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

/** Reply text as the browser gets it: `<...>` tags removed (spec §4.3). */
export function stripTags(text: string): string {
  return text.replace(/<[^<>]*>/g, '');
}

/** A `<` with no `>` within this many characters is text, not a tag. */
export const MAX_TAG_CHARS = 64;

/**
 * stripTags over a stream: a tag split across deltas (`喵<smi` + `le>好`) is removed as a whole.
 * Text after an unclosed `<` is held back until the tag closes, MAX_TAG_CHARS pass, or flush().
 */
export class TagStripper {
  private held = '';

  push(chunk: string): string {
    let rest = this.held + chunk;
    this.held = '';
    let out = '';
    for (;;) {
      const open = rest.indexOf('<');
      if (open < 0) return out + rest;
      out += rest.slice(0, open);
      rest = rest.slice(open);
      const close = rest.indexOf('>', 1);
      const reopen = rest.indexOf('<', 1);
      if (reopen >= 0 && (close < 0 || reopen < close)) {
        // `<a<b>`: the first `<` opens no tag.
        out += rest.slice(0, reopen);
        rest = rest.slice(reopen);
        continue;
      }
      if (close >= 0) {
        rest = rest.slice(close + 1);
        continue;
      }
      if (rest.length > MAX_TAG_CHARS) return out + rest;
      this.held = rest;
      return out;
    }
  }

  /** End of the reply: what was held back was not a tag after all. */
  flush(): string {
    const held = this.held;
    this.held = '';
    return held;
  }
}
