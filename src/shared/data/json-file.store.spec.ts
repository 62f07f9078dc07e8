import { mkdtempSync, promises as fs, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, timeout } from 'rxjs';
import { JsonFileStore } from './json-file.store';

type Doc = Record<string, unknown>;

describe('JsonFileStore', () => {
  let dir: string;
  const warnings: string[] = [];
  const open = (name = 'a.json') =>
    new JsonFileStore<Doc>(join(dir, name), { defaults: () => ({ fresh: true }), coerce: (v) => v as Doc, onWarning: (w) => warnings.push(w) });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'neko-store-'));
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns defaults for a missing file and creates it on first update', async () => {
    const store = open();
    expect(await store.read()).toEqual({ fresh: true });
    await store.update((d) => {
      d.n = 1;
    });
    expect(JSON.parse(await fs.readFile(store.path, 'utf8'))).toEqual({ fresh: true, n: 1 });
  });

  it('serialises concurrent updates (no lost update) and leaves no temp files', async () => {
    const store = open();
    await Promise.all(Array.from({ length: 50 }, () => store.update((d) => ({ ...d, n: ((d.n as number) ?? 0) + 1 }))));
    expect((await store.read()).n).toBe(50);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('hands out copies: mutating a read value changes nothing', async () => {
    const store = open();
    const v = await store.read();
    v.fresh = false;
    expect(await store.read()).toEqual({ fresh: true });
  });

  it('keeps a broken file aside before replacing it', async () => {
    writeFileSync(join(dir, 'a.json'), '{"half": ');
    const store = open();
    expect(await store.read()).toEqual({ fresh: true });
    await store.update((d) => ({ ...d, fixed: 1 }));
    const names = readdirSync(dir).sort();
    expect(names[0]).toBe('a.json');
    expect(names[1]).toMatch(/^a\.json\.broken-\d+$/);
    expect(await fs.readFile(join(dir, names[1]), 'utf8')).toBe('{"half": ');
    expect(warnings.join('\n')).toContain('not valid JSON');
  });

  it('sees writes made by another writer and announces them', async () => {
    const store = open();
    await store.update((d) => ({ ...d, who: 'me' }));
    store.watch();
    const changed = firstValueFrom(store.changes$.pipe(take(1), timeout(5000)));
    const other = open();
    await other.update((d) => ({ ...d, who: 'other process' }));
    expect((await changed).who).toBe('other process');
    expect((await store.read()).who).toBe('other process');
    store.close();
  });

  it('does not write when nothing changed', async () => {
    const store = open();
    await store.update((d) => ({ ...d, x: 1 }));
    const before = (await fs.stat(store.path)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await store.update(() => undefined);
    expect((await fs.stat(store.path)).mtimeMs).toBe(before);
  });
});
