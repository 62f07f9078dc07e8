import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IngestService } from '../../src/memory/ingest/ingest.service';
import { TimeIndexRepository } from '../../src/memory/time-index/time-index.repository';
import { MemoryAppModule } from '../../src/memory/memory-app.module';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { freePortEnv } from '../support/boot-context';
import { inputHistory, startMemoryApp, type MemoryHarness } from '../support/memory-app.harness';

process.env.NEKO_LANGUAGE = 'zh';

/** A second memory app on an existing data folder (the same server after a restart). */
async function reopen(root: string): Promise<NestFastifyApplication> {
  const ctx = await createBootContext('memory', { ...(await freePortEnv()), NEKO_DATA_DIR: root });
  const moduleRef = await Test.createTestingModule({ imports: [MemoryAppModule.register(ctx)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const encode = (path: string) => path.replace(/[^ -~]/g, (c) => encodeURIComponent(c));
async function post(app: NestFastifyApplication, path: string, body: object): Promise<{ status: number; json: unknown }> {
  const res = await app.inject({ method: 'POST', url: encode(path), payload: body });
  return { status: res.statusCode, json: res.json() };
}

const storedTexts = (root: string, name = '小天'): string[] => {
  const db = new Database(join(root, 'memory', `time_indexed_${name}`), { readonly: true });
  try {
    return (db.prepare('SELECT message FROM time_indexed_original ORDER BY id').all() as Array<{ message: string }>).map((r) => JSON.parse(r.message).data.content[0].text as string);
  } finally {
    db.close();
  }
};

describe('memory server duplicate-delivery guard (delivery_id)', () => {
  let m: MemoryHarness;
  beforeEach(async () => {
    m = await startMemoryApp();
  });
  afterEach(async () => {
    await m.idle();
    await m.close();
  });

  it('stores a repeated delivery_id once on /process, /renew and /cache', async () => {
    for (const mode of ['process', 'renew', 'cache'] as const) {
      const body = { ...inputHistory([['user', `${mode} 问`], ['assistant', `${mode} 答`]]), delivery_id: `id-${mode}` };
      const first = await m.post(`/${mode}/小天`, body);
      expect(first).toEqual({ status: 200, json: mode === 'cache' ? { status: 'cached', count: 2 } : { status: 'processed' } });
      // Nothing stored again; each endpoint keeps its answer's shape.
      expect(await m.post(`/${mode}/小天`, body)).toEqual({ status: 200, json: mode === 'cache' ? { status: 'cached', count: 0 } : { status: 'processed' } });
    }
    await m.idle();
    expect(storedTexts(m.root)).toEqual(['process 问', 'process 答', 'renew 问', 'renew 答', 'cache 问', 'cache 答']);
    const turns = await m.call('GET', '/api/memory/小天/turns?limit=100');
    expect(turns.json.total).toBe(6);
    const recent = await m.call('GET', '/api/memory/小天/recent');
    expect(recent.json.entries.filter((e: { text: string }) => e.text === 'renew 答')).toHaveLength(1);
  });

  it('guards per character and stores two different ids twice', async () => {
    const body = inputHistory([['user', '同一句话']]);
    await m.post('/process/小天', { ...body, delivery_id: 'shared' });
    await m.post('/process/小黑', { ...body, delivery_id: 'shared' });
    await m.post('/process/小天', { ...body, delivery_id: 'other' });
    expect(storedTexts(m.root, '小天')).toEqual(['同一句话', '同一句话']);
    expect(storedTexts(m.root, '小黑')).toEqual(['同一句话']);
  });

  it('stores concurrent copies of one delivery once', async () => {
    const body = { ...inputHistory([['user', '并发'], ['assistant', '只存一次']]), delivery_id: 'race' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => m.post('/process/小天', body)));
    expect(answers.every((a) => a.status === 200 && (a.json as { status: string }).status === 'processed')).toBe(true);
    expect(storedTexts(m.root)).toEqual(['并发', '只存一次']);
  });

  it('behaves as before without delivery_id (every call stores)', async () => {
    const body = inputHistory([['user', '没有编号']]);
    await m.post('/process/小天', body);
    await m.post('/process/小天', { ...body, delivery_id: null });
    expect(storedTexts(m.root)).toEqual(['没有编号', '没有编号']);
  });

  it('answers a storage failure with a 503 when delivery_id is given (main retries), with 200 {status:error} without', async () => {
    const repo = m.app.get(TimeIndexRepository);
    const store = jest.spyOn(repo, 'storeMessages').mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    const body = inputHistory([['user', '存储出错']]);
    expect(await m.post('/process/小天', { ...body, delivery_id: 'busy' })).toEqual({ status: 503, json: { status: 'error', message: 'SQLITE_BUSY: database is locked' } });
    store.mockRejectedValueOnce(new Error('disk I/O error'));
    expect(await m.post('/renew/小天', body)).toEqual({ status: 200, json: { status: 'error', message: 'disk I/O error' } });
    // A bad payload stays a 200 {status:error} with delivery_id: sending it again never helps.
    const bad = await m.post('/process/小天', { input_history: '[{"role": "robot", "content": "x"}]', delivery_id: 'bad' });
    expect(bad).toEqual({ status: 200, json: { status: 'error', message: 'message 0 has an unknown role "robot"' } });
    // The retry of the failed delivery is stored.
    expect(await m.post('/process/小天', { ...body, delivery_id: 'busy' })).toEqual({ status: 200, json: { status: 'processed' } });
    store.mockRestore();
    expect(storedTexts(m.root)).toEqual(['存储出错']);
  });

  it('leaves the open /cache session alone on a duplicate found under the write lock', async () => {
    await m.post('/cache/小天', { ...inputHistory([['user', '会话开头']]), delivery_id: 'c1' });
    const repo = m.app.get(TimeIndexRepository);
    // The first check (outside the lock) misses the earlier copy, the one under the lock finds it.
    jest.spyOn(repo, 'hasDelivery').mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    expect(await m.post('/process/小天', { ...inputHistory([['user', '重复']]), delivery_id: 'p-dup' })).toEqual({ status: 200, json: { status: 'processed' } });
    jest.restoreAllMocks();
    await m.post('/cache/小天', { ...inputHistory([['user', '同一会话']]), delivery_id: 'c2' });
    const turns = await m.call('GET', '/api/memory/小天/turns?order=asc&limit=100');
    const sessions = (turns.json.items as Array<{ sessionId: string }>).map((i) => i.sessionId);
    expect(sessions).toHaveLength(2);
    expect(sessions[1]).toBe(sessions[0]);
  });

  it('refuses an invalid delivery_id with a 422 and stores nothing', async () => {
    const body = inputHistory([['user', '坏编号']]);
    const long = await m.post('/process/小天', { ...body, delivery_id: 'x'.repeat(65) });
    expect(long.status).toBe(422);
    expect(long.json).toEqual({ detail: [{ type: 'string_too_long', loc: ['body', 'delivery_id'], msg: 'String should have at most 64 characters', input: 'x'.repeat(65) }] });
    expect((await m.post('/renew/小天', { ...body, delivery_id: 42 })).json).toMatchObject({ detail: [{ type: 'string_type', loc: ['body', 'delivery_id'] }] });
    expect((await m.post('/cache/小天', { ...body, delivery_id: '' })).status).toBe(422);
    expect((await m.post('/process/小天', { ...body, delivery_id: 'a b/c' })).json).toMatchObject({ detail: [{ type: 'string_pattern_mismatch' }] });
    expect((await m.post('/process/小天', { ...body, delivery_id: 'x'.repeat(64) })).json).toEqual({ status: 'processed' });
    expect(storedTexts(m.root)).toEqual(['坏编号']);
  });

  it('remembers delivery ids across a memory server restart', async () => {
    const body = { ...inputHistory([['user', '重启前'], ['assistant', '存好了']]), delivery_id: '3f1c2a7e-0d4b-4a51-9a8e-7f6b5c4d3e2f' };
    expect(await m.post('/process/小天', body)).toEqual({ status: 200, json: { status: 'processed' } });
    await m.idle();
    await m.close();
    const again = await reopen(m.root);
    try {
      expect(await post(again, '/process/小天', body)).toEqual({ status: 200, json: { status: 'processed' } });
      expect(await post(again, '/renew/小天', { ...body, delivery_id: 'fresh' })).toEqual({ status: 200, json: { status: 'processed' } });
      await again.get(IngestService).idle();
    } finally {
      await again.close();
    }
    expect(storedTexts(m.root)).toEqual(['重启前', '存好了', '重启前', '存好了']);
    m = await startMemoryApp();
  });

  it('adds the delivery table to a database created without it (old files keep working)', async () => {
    await m.post('/process/小天', inputHistory([['user', '旧文件']]));
    await m.idle();
    await m.close();
    const file = join(m.root, 'memory', 'time_indexed_小天');
    const db = new Database(file);
    db.exec(`DROP TABLE memory_deliveries; DELETE FROM migrations WHERE name = 'AddDeliveriesTable1764000000007'`);
    db.close();
    const again = await reopen(m.root);
    try {
      const body = { ...inputHistory([['user', '新编号']]), delivery_id: 'after-upgrade' };
      await post(again, '/process/小天', body);
      await post(again, '/process/小天', body);
      await again.get(IngestService).idle();
    } finally {
      await again.close();
    }
    expect(storedTexts(m.root)).toEqual(['旧文件', '新编号']);
    m = await startMemoryApp();
  });
});
