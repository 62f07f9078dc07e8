/**
 * Provider Ogg bytes in, whole Ogg pages out: the browser decodes each binary frame that starts
 * with `OggS` as Ogg/Opus (spec main-server.md §4.4), so a page cut between network frames must be
 * completed first. Page layout (RFC 3533): 27-byte header with the segment count at byte 26, the
 * segment table, then the segments. Bytes before a capture pattern are dropped (resync); a page
 * can be at most 27 + 255 + 255 × 255 bytes, so the buffer is bounded.
 */
const CAPTURE = Buffer.from('OggS', 'latin1');
const HEADER_BYTES = 27;
export const MAX_OGG_PAGE_BYTES = HEADER_BYTES + 255 + 255 * 255;

export class OggPageAssembler {
  private buf = Buffer.alloc(0);
  /** Bytes dropped while looking for a page start (garbage from the provider). */
  dropped = 0;

  /** Adds bytes; returns the whole pages now complete, concatenated (empty when none). */
  push(bytes: Uint8Array): Buffer {
    this.buf = this.buf.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.buf, bytes]);
    const pages: Buffer[] = [];
    for (;;) {
      const at = this.buf.indexOf(CAPTURE);
      if (at < 0) {
        // Keep a possible split capture pattern (up to 3 bytes), drop the rest.
        const keep = Math.min(this.buf.length, CAPTURE.length - 1);
        this.dropped += this.buf.length - keep;
        this.buf = this.buf.subarray(this.buf.length - keep);
        break;
      }
      if (at > 0) {
        this.dropped += at;
        this.buf = this.buf.subarray(at);
      }
      if (this.buf.length < HEADER_BYTES) break;
      const segments = this.buf[26];
      if (this.buf.length < HEADER_BYTES + segments) break;
      let length = HEADER_BYTES + segments;
      for (let i = 0; i < segments; i++) length += this.buf[HEADER_BYTES + i];
      if (this.buf.length < length) break;
      pages.push(this.buf.subarray(0, length));
      this.buf = this.buf.subarray(length);
    }
    return Buffer.concat(pages);
  }

  /** Bytes of an unfinished page (dropped at the end of a stream). */
  get pending(): number {
    return this.buf.length;
  }
}
