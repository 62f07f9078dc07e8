import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryOutboxStore, OutboxFullError } from './memory-outbox.store';

describe('MemoryOutboxStore (real files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'neko-outbox-')), 'outbox', 'memory');
  });

  it('writes one file per report and reads them back oldest first after a restart', async () => {
    const store = new MemoryOutboxStore(dir);
    expect(await store.open()).toEqual([]);
    const at = new Date(2026, 0, 1);
    const a = await store.append('小天', 'renew', '[1]', at);
    const b = await store.append('小黑', 'process', '[2]', at);
    const c = await store.append('小天', 'process', '[3]', new Date(2025, 0, 1));
    expect(a.seq < b.seq && b.seq < c.seq).toBe(true);
    expect(a.body).toEqual({ input_history: '[1]', delivery_id: a.deliveryId });
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([a.file, b.file, c.file]);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);

    const reopened = new MemoryOutboxStore(dir);
    const entries = await reopened.open();
    expect(entries.map((e) => [e.lanlanName, e.kind, e.body.input_history])).toEqual([['小天', 'renew', '[1]'], ['小黑', 'process', '[2]'], ['小天', 'process', '[3]']]);
    expect(reopened.stats()).toEqual({ entries: 3, bytes: entries.reduce((n, e) => n + e.bytes, 0) });
    const d = await reopened.append('小天', 'renew', '[4]', new Date(2020, 0, 1));
    expect(d.seq).toBeGreaterThan(c.seq);
    await reopened.remove(entries[0]);
    expect(reopened.stats().entries).toBe(3);
  });

  it('moves refused and unreadable files to failed/ with the reason', async () => {
    const store = new MemoryOutboxStore(dir);
    await store.open();
    const a = await store.append('小天', 'process', '[]');
    await store.fail(a, 'HTTP 422: bad');
    writeFileSync(join(dir, '0000000000000001-broken.json'), '{"version": 1, "seq"');
    writeFileSync(join(dir, 'notes.txt'), 'not mine');
    const entries = await new MemoryOutboxStore(dir).open();
    expect(entries).toEqual([]);
    const failed = readdirSync(join(dir, 'failed')).sort();
    expect(failed).toEqual(['0000000000000001-broken.json', a.file].sort());
    expect(JSON.parse(readFileSync(join(dir, 'failed', a.file), 'utf8'))).toMatchObject({ deliveryId: a.deliveryId, failure: { reason: 'HTTP 422: bad' } });
    expect(JSON.parse(readFileSync(join(dir, 'failed', '0000000000000001-broken.json'), 'utf8'))).toMatchObject({ raw: '{"version": 1, "seq"', failure: { reason: 'unreadable outbox file' } });
    expect(readdirSync(dir)).toContain('notes.txt');
  });

  it('refuses the newest report beyond the entry and byte limits, keeping the older ones', async () => {
    const store = new MemoryOutboxStore(dir, { maxEntries: 2, maxBytes: 10_000 });
    await store.open();
    const first = await store.append('小天', 'renew', '[1]');
    await store.append('小天', 'renew', '[2]');
    await expect(store.append('小天', 'renew', '[3]')).rejects.toBeInstanceOf(OutboxFullError);
    expect(store.stats().entries).toBe(2);
    await store.remove(first);
    await store.append('小天', 'renew', '[3]');
    const bytes = new MemoryOutboxStore(join(dir, 'b'), { maxEntries: 100, maxBytes: 1000 });
    await bytes.open();
    await expect(bytes.append('小天', 'renew', 'x'.repeat(2000))).rejects.toThrow(/memory outbox full/);
    expect(readdirSync(join(dir, 'b')).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect((await new MemoryOutboxStore(dir).open()).map((e) => e.body.input_history)).toEqual(['[2]', '[3]']);
  });
});
