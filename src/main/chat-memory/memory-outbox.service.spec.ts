import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemoryServerClient } from '../clients/peer-clients.module';
import type { PeerRequest, PeerResponse } from '../clients/peer-http.client';
import { dataFolderAt } from '../../shared/data/data-folder';
import { MemoryOutboxService } from './memory-outbox.service';

type Answer = () => Promise<PeerResponse>;
const processed: Answer = () => Promise.resolve({ status: 200, ok: true, json: { status: 'processed' }, text: '{"status":"processed"}' });

/** A memory server stand-in that records what arrives and answers from `answer`. */
function fakeClient(answer: (path: string) => Answer = () => processed) {
  const seen: Array<{ path: string; body: { input_history: string; delivery_id: string } }> = [];
  const client = {
    request: (path: string, req: PeerRequest) => {
      seen.push({ path, body: req.body as { input_history: string; delivery_id: string } });
      return answer(path)();
    },
  };
  return { seen, client: client as unknown as MemoryServerClient };
}

describe('MemoryOutboxService (real files, fake memory server)', () => {
  let dir: string;
  const services: MemoryOutboxService[] = [];
  const start = (client: MemoryServerClient) => {
    const s = new MemoryOutboxService(dataFolderAt(mkdtempSync(join(tmpdir(), 'neko-ob-'))), client, { dir, firstRetryMs: 20, maxRetryMs: 40, deliveryTimeoutMs: 1000 });
    services.push(s);
    return s;
  };
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'neko-outbox-svc-')), 'outbox');
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.onModuleDestroy();
  });

  it('delivers a large report begun first before a small one begun while it was being written', async () => {
    const { seen, client } = fakeClient();
    const outbox = start(client);
    await outbox.open();
    const big = JSON.stringify([{ role: 'user', content: 'x'.repeat(8 * 1024 * 1024) }]);
    const [a, b, c] = await Promise.all([outbox.enqueue('小天', 'renew', big), outbox.enqueue('小天', 'process', '[1]'), outbox.enqueue('小天', 'renew', '[2]')]);
    await outbox.idle(10_000);
    expect(a.seq < b.seq && b.seq < c.seq).toBe(true);
    expect(seen.map((s) => s.body.delivery_id)).toEqual([a.deliveryId, b.deliveryId, c.deliveryId]);
    expect(seen.map((s) => s.path)).toEqual(['renew', 'process', 'renew'].map((k) => `/${k}/${encodeURIComponent('小天')}`));
  });

  it('goes on appending after a refused append (outbox full) and keeps the order', async () => {
    const { seen, client } = fakeClient();
    const outbox = new MemoryOutboxService(dataFolderAt(dir), client, { dir, limits: { maxEntries: 10, maxBytes: 400 }, firstRetryMs: 20 });
    services.push(outbox);
    const results = await Promise.allSettled([outbox.enqueue('小天', 'renew', 'y'.repeat(500)), outbox.enqueue('小天', 'process', '[1]')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await outbox.idle(5000);
    expect(seen.map((s) => s.body.input_history)).toEqual(['[1]']);
  });

  it('flushFor waits for the pending reports of one character, including one being written, and not for others', async () => {
    let down = true;
    const unavailable: Answer = () => Promise.reject(new Error('ECONNREFUSED'));
    const { seen, client } = fakeClient((path) => (down || path.includes(encodeURIComponent('小黑')) ? unavailable : processed));
    const outbox = start(client);
    await outbox.enqueue('小天', 'renew', '[1]');
    await outbox.enqueue('小黑', 'renew', '[3]');
    expect(await outbox.flushFor('小天', 100)).toBe(false);
    void outbox.enqueue('小天', 'process', '[2]');
    const flushed = outbox.flushFor('小天', 5000);
    setTimeout(() => (down = false), 50);
    expect(await flushed).toBe(true);
    expect(outbox.pending('小天')).toBe(0);
    expect(outbox.pending('小黑')).toBe(1);
    expect(seen.filter((s) => s.path.includes(encodeURIComponent('小天'))).map((s) => s.body.input_history).slice(-2)).toEqual(['[1]', '[2]']);
    expect(await outbox.flushFor('nobody', 10)).toBe(true);
  });

  it('keeps its count right when a delivered file cannot be removed', async () => {
    const { client } = fakeClient();
    const outbox = start(client);
    await outbox.open();
    const entry = await outbox.store.append('小天', 'renew', '[1]');
    // The file is replaced by a non-empty folder of the same name: fs.rm (not recursive) throws.
    const path = join(dir, entry.file);
    rmSync(path);
    mkdirSync(join(path, 'inside'), { recursive: true });
    await expect(outbox.store.remove(entry)).rejects.toThrow();
    expect(outbox.store.stats()).toEqual({ entries: 0, bytes: 0 });
    const other = await outbox.store.append('小天', 'renew', '[2]');
    rmSync(join(dir, 'failed'), { recursive: true });
    // failed/ is now a file: the move aside throws, the entry is still out of the count.
    writeFileSync(join(dir, 'failed'), 'not a folder');
    await expect(outbox.store.fail(other, 'refused')).rejects.toThrow();
    expect(outbox.store.stats()).toEqual({ entries: 0, bytes: 0 });
    expect(readdirSync(dir)).toContain(other.file);
  });
});
