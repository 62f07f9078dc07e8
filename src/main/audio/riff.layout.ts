/** Where the `fmt ` and `data` chunks of (a prefix of) a RIFF/WAVE file are. */
export interface RiffLayout {
  /** Starts with `RIFF`. */
  readonly riff: boolean;
  /** Bytes 8–12 are `WAVE`. */
  readonly wave: boolean;
  /** The fmt chunk: its declared size and the part of its body that `bytes` holds. */
  readonly fmt?: { readonly size: number; readonly body: Buffer };
  /** Start and declared size of the data chunk, once it is reached. */
  readonly data?: { readonly offset: number; readonly size: number };
  /** A data chunk came before any fmt chunk. */
  readonly dataBeforeFmt: boolean;
}

/**
 * Walks the chunks of a RIFF/WAVE file in order (odd sizes padded to even offsets, as RIFF
 * requires; other chunks skipped) until the data chunk, a cut-off fmt chunk or the end of `bytes`.
 * Only the layout: what is acceptable (PCM, channels, rates) is each reader's own rule.
 */
export function riffLayout(bytes: Uint8Array): RiffLayout {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riff = buf.length >= 4 && buf.toString('latin1', 0, 4) === 'RIFF';
  const wave = buf.length >= 12 && buf.toString('latin1', 8, 12) === 'WAVE';
  if (!riff || !wave) return { riff, wave, dataBeforeFmt: false };
  let fmt: RiffLayout['fmt'];
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data') return { riff, wave, fmt, data: { offset: body, size }, dataBeforeFmt: fmt === undefined };
    if (id === 'fmt ') {
      fmt = { size, body: buf.subarray(body, Math.min(body + size, buf.length)) };
      if (body + size > buf.length) break;
    }
    offset = body + size + (size % 2);
  }
  return { riff, wave, fmt, dataBeforeFmt: false };
}
