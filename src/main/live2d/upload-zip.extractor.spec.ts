import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { ZipExtractor } from './upload-zip.extractor';
import { UploadRejected } from './upload.errors';

function archive(files: Record<string, string>, level: 0 | 6 = 6): string {
  const dir = mkdtempSync(join(tmpdir(), 'neko-zip-'));
  const path = join(dir, 'a.zip');
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])), { level }));
  return path;
}

describe('ZipExtractor', () => {
  it('extracts stored and deflated entries (folders created, junk skipped)', async () => {
    for (const level of [0, 6] as const) {
      const dest = join(mkdtempSync(join(tmpdir(), 'neko-zip-out-')), 'out');
      const total = await new ZipExtractor(archive({ 'M/M.model3.json': '{"Version":3}', 'M/t/a.txt': 'hello'.repeat(100), '__MACOSX/M/._x': 'junk' }, level), dest).extractAll();
      expect(total).toBe(13 + 500);
      expect(readFileSync(join(dest, 'M', 't', 'a.txt'), 'utf8')).toBe('hello'.repeat(100));
    }
  });

  it('refuses archives over the entry, entry-size and total limits before extracting', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'neko-zip-out-')), 'out');
    const path = archive({ a: 'aaaa', b: 'bbbb', c: 'cccc' });
    await expect(new ZipExtractor(path, dest, { maxEntries: 2, maxTotalBytes: 100, maxEntryBytes: 100 }).extractAll()).rejects.toMatchObject({ status: 413 });
    await expect(new ZipExtractor(path, dest, { maxEntries: 10, maxTotalBytes: 100, maxEntryBytes: 3 }).extractAll()).rejects.toMatchObject({ status: 413 });
    await expect(new ZipExtractor(path, dest, { maxEntries: 10, maxTotalBytes: 10, maxEntryBytes: 100 }).extractAll()).rejects.toBeInstanceOf(UploadRejected);
  });

  it('refuses ../ and absolute entry names', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'neko-zip-out-')), 'out');
    await expect(new ZipExtractor(archive({ '../x': 'x' }), dest).extractAll()).rejects.toMatchObject({ status: 400, message: '非法文件路径' });
    await expect(new ZipExtractor(archive({ '/etc/x': 'x' }), dest).extractAll()).rejects.toMatchObject({ status: 400, message: '非法文件路径' });
  });

  it('refuses duplicate and colliding entries with 400, also when they are empty (no raw EEXIST → 500)', async () => {
    // fflate cannot write one name twice: write `Z/x` and `Z/y`, then rename `Z/y` in both headers.
    const duplicate = (files: Record<string, string>, from: string, to: string): string => {
      const path = archive(files, 0);
      writeFileSync(path, Buffer.from(readFileSync(path).toString('latin1').split(from).join(to), 'latin1'));
      return path;
    };
    for (const [files, from, to] of [
      [{ 'Z/x': '', 'Z/y': '' }, 'Z/y', 'Z/x'],
      [{ 'Z/x': 'a', 'Z/y': 'b' }, 'Z/y', 'Z/x'],
      [{ 'Z/a/b': '', 'Z/a': '' }, '', ''],
    ] as Array<[Record<string, string>, string, string]>) {
      const dest = join(mkdtempSync(join(tmpdir(), 'neko-zip-out-')), 'out');
      const path = from === '' ? archive(files, 0) : duplicate(files, from, to);
      await expect(new ZipExtractor(path, dest).extractAll()).rejects.toMatchObject({ name: 'UploadRejected', status: 400 });
    }
  });
});
