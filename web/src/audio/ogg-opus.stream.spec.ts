import { OGG_IDLE_MS, OggOpusStream, isOggPage } from './ogg-opus.stream';

// A valid Ogg Opus stream made by hand: OpusHead, OpusTags, then pages of 20 ms empty CELT frames
// (TOC 0xF8, no payload: the decoder conceals them as silence, 960 samples each).
const CRC = new Uint32Array(256).map((_, i) => {
  let r = i << 24;
  for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});
const crc = (b: Uint8Array) => b.reduce((c, x) => ((c << 8) ^ (CRC[((c >>> 24) ^ x) & 0xff] ?? 0)) >>> 0, 0);
const PRE_SKIP = 312;

function page(packets: Uint8Array[], seq: number, granule: number, bos = false): Uint8Array {
  const header = new Uint8Array(27 + packets.length);
  const view = new DataView(header.buffer);
  header.set([0x4f, 0x67, 0x67, 0x53], 0);
  header[5] = bos ? 2 : 0;
  view.setBigUint64(6, BigInt(granule), true);
  view.setUint32(14, 1234, true);
  view.setUint32(18, seq, true);
  header[26] = packets.length;
  packets.forEach((p, i) => (header[27 + i] = p.length));
  const full = new Uint8Array(header.length + packets.reduce((n, p) => n + p.length, 0));
  full.set(header);
  let at = header.length;
  for (const p of packets) {
    full.set(p, at);
    at += p.length;
  }
  new DataView(full.buffer).setUint32(22, crc(full), true);
  return full;
}

function stream(audioPages: number, framesPerPage: number): Uint8Array[] {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1;
  head[9] = 1;
  new DataView(head.buffer).setUint16(10, PRE_SKIP, true);
  new DataView(head.buffer).setUint32(12, 48_000, true);
  const tags = new Uint8Array(16);
  tags.set(new TextEncoder().encode('OpusTags'));
  const pages = [page([head], 0, 0, true), page([tags], 1, 0)];
  for (let i = 1; i <= audioPages; i++) pages.push(page(Array.from({ length: framesPerPage }, () => new Uint8Array([0xf8])), i + 1, 960 * framesPerPage * i + PRE_SKIP));
  return pages;
}

describe('OggOpusStream', () => {
  const collect = () => {
    const chunks: Float32Array[] = [];
    const errors: unknown[] = [];
    const s = new OggOpusStream((c) => chunks.push(c), (e) => errors.push(e));
    const samples = () => chunks.reduce((n, c) => n + c.length, 0);
    return { s, chunks, errors, samples };
  };
  const pause = () => new Promise((r) => setTimeout(r, OGG_IDLE_MS * 2));

  it('decodes the pages in order and plays the held last page after a pause', async () => {
    const { s, errors, samples } = collect();
    const pages = stream(4, 5);
    expect(pages.every(isOggPage)).toBe(true);
    for (const p of pages) s.push(p);
    await s.settled();
    expect(samples()).toBeLessThan(4 * 4800 - PRE_SKIP); // the decoder still holds a page
    await pause();
    await s.settled();
    expect(samples()).toBe(4 * 4800 - PRE_SKIP);
    expect(errors).toEqual([]);
  });

  it('goes on with the same stream after a pause (headers fed again), and a barge-in drops what is queued', async () => {
    const { s, errors, samples } = collect();
    const pages = stream(4, 5);
    for (const p of pages.slice(0, 4)) s.push(p);
    await pause();
    await s.settled();
    const first = samples();
    expect(first).toBeGreaterThan(0);
    for (const p of pages.slice(4)) s.push(p);
    await pause();
    await s.settled();
    expect(samples()).toBeGreaterThan(first);

    const before = samples();
    for (const p of stream(3, 5)) s.push(p);
    s.stop();
    await pause();
    await s.settled();
    expect(samples()).toBe(before);
    // The next reply (a new stream) plays from a clean decoder.
    for (const p of stream(2, 5)) s.push(p);
    await pause();
    await s.settled();
    expect(samples()).toBe(before + 2 * 4800 - PRE_SKIP);
    expect(errors).toEqual([]);
  });

  it('a garbled frame neither throws nor stops the reply', async () => {
    const { s, samples } = collect();
    const pages = stream(2, 5);
    const garbled = new Uint8Array(40).fill(0x5a);
    garbled.set([0x4f, 0x67, 0x67, 0x53], 0);
    for (const p of [...pages.slice(0, 3), garbled, ...pages.slice(3)]) s.push(p);
    await pause();
    await s.settled();
    expect(samples()).toBe(2 * 4800 - PRE_SKIP);
  });
});
