import { endianness } from 'node:os';

/**
 * PCM16LE bytes ⇄ Int16Array. Network chunks may split a sample between two frames, so the decoder
 * keeps an odd last byte for the next chunk; encoded frames always have an even byte length.
 */

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Serialisable decoder state: the byte of a split sample, or −1. */
export interface Pcm16leDecoderSnapshot {
  readonly carry: number;
}

export class Pcm16leDecoder {
  private carry = -1;

  /** Whole samples of `carry + bytes`; an odd last byte waits for the next call. */
  decode(bytes: Uint8Array): Int16Array {
    const hasCarry = this.carry >= 0;
    const total = bytes.length + (hasCarry ? 1 : 0);
    const samples = new Int16Array(total >> 1);
    const view = new Uint8Array(samples.buffer);
    if (hasCarry && samples.length > 0) {
      view[0] = this.carry;
      view.set(bytes.subarray(0, view.length - 1), 1);
    } else if (!hasCarry) {
      view.set(bytes.subarray(0, view.length));
    }
    if (total % 2 === 1) this.carry = bytes.length > 0 ? bytes[bytes.length - 1] : this.carry;
    else this.carry = -1;
    if (!LITTLE_ENDIAN_HOST) swapBytes(view);
    return samples;
  }

  /** True when half a sample is waiting. */
  get pending(): boolean {
    return this.carry >= 0;
  }

  /** Forgets a waiting half sample (end of stream: an odd trailing byte is not audio). */
  reset(): void {
    this.carry = -1;
  }

  snapshot(): Pcm16leDecoderSnapshot {
    return { carry: this.carry };
  }

  restore(snapshot: Pcm16leDecoderSnapshot): void {
    const c = snapshot.carry;
    if (!Number.isInteger(c) || c < -1 || c > 255) throw new RangeError('malformed PCM16LE decoder snapshot');
    this.carry = c;
  }
}

/** One-shot decode of a whole buffer (an odd trailing byte is dropped). */
export function decodePcm16le(bytes: Uint8Array): Int16Array {
  return new Pcm16leDecoder().decode(bytes);
}

/** PCM16LE bytes of `samples` (always an even length). On little-endian hosts it shares their memory. */
export function encodePcm16le(samples: Int16Array): Buffer {
  const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  if (LITTLE_ENDIAN_HOST) return bytes;
  const copy = Buffer.from(bytes);
  copy.swap16();
  return copy;
}

function swapBytes(view: Uint8Array): void {
  for (let i = 0; i + 1 < view.length; i += 2) {
    const b = view[i];
    view[i] = view[i + 1];
    view[i + 1] = b;
  }
}
