import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderSize } from './workshop-items.service';

describe('folderSize', () => {
  let root: string;
  let outside: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'neko-size-'));
    outside = mkdtempSync(join(tmpdir(), 'neko-size-out-'));
    mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(root, 'top.bin'), Buffer.alloc(10));
    writeFileSync(join(root, 'a', 'b', 'c', 'deep.bin'), Buffer.alloc(20));
    writeFileSync(join(outside, 'big.bin'), Buffer.alloc(5000));
    symlinkSync(outside, join(root, 'link-dir'));
    symlinkSync(join(outside, 'big.bin'), join(root, 'link-file'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('sums the regular files below the folder, without following symlinks', async () => {
    expect(await folderSize(root)).toBe(30);
  });

  it('stops at the depth and entry limits', async () => {
    expect(await folderSize(root, { maxDepth: 1, maxEntries: 1000 })).toBe(10);
    expect(await folderSize(root, { maxDepth: 10, maxEntries: 1 })).toBeLessThanOrEqual(10);
  });

  it('is 0 for a missing folder', async () => {
    expect(await folderSize(join(root, 'missing'))).toBe(0);
  });
});
