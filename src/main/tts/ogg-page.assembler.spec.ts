import { OggPageAssembler } from './ogg-page.assembler';

/** An Ogg page (CRC left zero: the assembler does not check it) with `payload` in 255-byte lacing. */
function oggPage(payload: Buffer, seq = 0): Buffer {
  const lacing: number[] = [];
  let left = payload.length;
  while (left >= 255) {
    lacing.push(255);
    left -= 255;
  }
  lacing.push(left);
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header.writeUInt32LE(seq, 18);
  header[26] = lacing.length;
  return Buffer.concat([header, Buffer.from(lacing), payload]);
}

describe('OggPageAssembler', () => {
  const pages = [oggPage(Buffer.alloc(19, 1), 0), oggPage(Buffer.alloc(600, 2), 1), oggPage(Buffer.alloc(3, 3), 2)];
  const stream = Buffer.concat(pages);

  it('gives whole pages however the bytes are cut', () => {
    for (const size of [1, 2, 5, 27, 100, 301, stream.length]) {
      const a = new OggPageAssembler();
      const out: Buffer[] = [];
      for (let off = 0; off < stream.length; off += size) {
        const got = a.push(stream.subarray(off, off + size));
        if (got.length > 0) {
          expect(got.subarray(0, 4).toString('latin1')).toBe('OggS');
          out.push(got);
        }
      }
      expect(Buffer.concat(out).equals(stream)).toBe(true);
      expect(a.pending).toBe(0);
    }
  });

  it('drops garbage before a page, keeps a split capture pattern, holds an unfinished page', () => {
    const a = new OggPageAssembler();
    expect(a.push(Buffer.from('garbageOg', 'latin1')).length).toBe(0);
    expect(a.dropped).toBe(6); // 'eOg' kept: it may begin a capture pattern
    const rest = Buffer.concat([Buffer.from('gS', 'latin1'), pages[0].subarray(4), pages[1].subarray(0, 40)]);
    expect(a.push(rest).equals(pages[0])).toBe(true);
    expect(a.dropped).toBe(7);
    expect(a.pending).toBe(40);
  });
});
