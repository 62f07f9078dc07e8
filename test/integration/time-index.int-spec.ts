import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TimeIndexRepository } from '../../src/memory/time-index/time-index.repository';
import { dataFolderAt } from '../../src/shared/data/data-folder';
import { writeNekoTimeIndex } from '../support/neko-sqlite.fixture';

describe('time-indexed SQLite store (real better-sqlite3 file through TypeORM)', () => {
  let repo: TimeIndexRepository;
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'neko-ti-'));
    repo = new TimeIndexRepository(dataFolderAt(root));
  });
  afterEach(() => repo.onModuleDestroy());

  it('opens an existing N.E.K.O. file as it is, adds the timestamp column and keeps its rows', async () => {
    const file = join(root, 'memory', 'time_indexed_小天');
    mkdirSync(join(root, 'memory'), { recursive: true });
    writeNekoTimeIndex(file);
    const before = await repo.list('小天', 'original');
    expect(before.total).toBe(2);
    expect(before.entries[0].message).toEqual({ type: 'human', content: [{ type: 'text', text: '我的猫叫麻薯' }] });
    expect(before.entries[0].timestamp).toBeNull();
    const summaries = await repo.list('小天', 'compressed');
    expect(summaries.entries[0].message).toEqual({ type: 'system', content: '阿明说他的猫叫麻薯。' });

    const at = new Date(2026, 10, 24, 9, 30, 15, 250);
    await repo.storeMessages('小天', 'sess-2', [{ type: 'human', content: '今天好累' }, { type: 'ai', content: '辛苦啦' }], at);
    await repo.close('小天');

    const db = new Database(file, { readonly: true });
    const columns = (db.prepare('PRAGMA table_info(time_indexed_original)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns).toEqual(['id', 'session_id', 'message', 'timestamp']);
    const rows = db.prepare('SELECT session_id, message, timestamp FROM time_indexed_original ORDER BY id').all() as Array<Record<string, string>>;
    expect(rows).toHaveLength(4);
    expect(rows[2]).toEqual({ session_id: 'sess-2', message: '{"type":"human","data":{"content":"今天好累"}}', timestamp: '2026-11-24 09:30:15.250000' });
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    db.close();
  });

  it('answers the last conversation time, time ranges, sessions and pages', async () => {
    for (let day = 1; day <= 5; day++) {
      await repo.storeMessages('L', `s${day}`, [{ type: 'human', content: `day ${day}` }, { type: 'ai', content: `reply ${day}` }], new Date(2026, 0, day, 12));
    }
    expect(await repo.lastConversationTime('L')).toEqual(new Date(2026, 0, 5, 12));
    const range = await repo.list('L', 'original', { from: new Date(2026, 0, 2), to: new Date(2026, 0, 3, 23) });
    expect(range.entries.map((e) => e.sessionId)).toEqual(['s2', 's2', 's3', 's3']);
    const page = await repo.list('L', 'original', { limit: 3, offset: 0, newestFirst: true });
    expect(page.total).toBe(10);
    expect(page.entries.map((e) => e.message?.content)).toEqual(['reply 5', 'day 5', 'reply 4']);
    expect((await repo.list('L', 'original', { sessionId: 's4' })).total).toBe(2);
    expect(await repo.lastConversationTime('nobody')).toBeUndefined();
  });

  it('edits and deletes rows', async () => {
    const [id] = await repo.storeMessages('L', 's', [{ type: 'human', content: 'wrong' }]);
    expect(await repo.updateMessage('L', 'original', id, { type: 'human', content: 'right' })).toBe(true);
    expect((await repo.get('L', 'original', id))?.message?.content).toBe('right');
    expect(await repo.delete('L', 'original', [id])).toBe(1);
    expect(await repo.get('L', 'original', id)).toBeUndefined();
  });
});
