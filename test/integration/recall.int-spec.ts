import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { MemoryAppModule } from '../../src/memory/memory-app.module';
import { CLOCK } from '../../src/memory/dialog/clock.token';
import { RecallService } from '../../src/memory/search/recall.service';
import { TimeIndexRepository } from '../../src/memory/time-index/time-index.repository';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { freePortEnv } from '../support/boot-context';
import { writeNekoTimeIndex } from '../support/neko-sqlite.fixture';

describe('recall over stored turns (BM25 on jieba/Porter2 terms, time and session filters)', () => {
  let app: INestApplicationContext;
  let recall: RecallService;
  let store: TimeIndexRepository;
  let root: string;

  beforeEach(async () => {
    root = join(mkdtempSync(join(tmpdir(), 'neko-recall-')), 'N.E.K.O');
    mkdirSync(join(root, 'memory'), { recursive: true });
    writeNekoTimeIndex(join(root, 'memory', 'time_indexed_test'), true);
    const ctx = await createBootContext('memory', { ...(await freePortEnv()), NEKO_DATA_DIR: root });
    const moduleRef = await Test.createTestingModule({ imports: [MemoryAppModule.register(ctx)] })
      .overrideProvider(CLOCK)
      .useValue(() => new Date(2026, 5, 30))
      .compile();
    app = await moduleRef.init();
    recall = app.get(RecallService);
    store = app.get(TimeIndexRepository);
  });
  afterEach(() => app.close());

  it('finds memories written by N.E.K.O. before (backfilled) and new ones, in Chinese and English', async () => {
    await store.storeMessages('test', 's1', [{ type: 'human', content: 'I started taking pottery classes last week' }, { type: 'ai', content: '陶艺课听起来好有趣' }], new Date(2026, 0, 10));
    await store.storeMessages('test', 's2', [{ type: 'human', content: '明天要去医院复查' }], new Date(2026, 5, 1));
    const cat = await recall.search('test', { query: '麻薯是谁' });
    expect(cat[0]).toMatchObject({ text: '我的猫叫麻薯', speaker: '哥哥', kind: 'original', retrievers: ['lexical'] });
    expect(cat.map((h) => h.kind)).toContain('summary');
    const pottery = await recall.search('test', { query: 'What class is he taking?' });
    expect(pottery[0].text).toBe('I started taking pottery classes last week');
    expect(pottery[0].timestamp).toBe('2026-01-10 00:00:00.000000');
    expect((await recall.search('test', { query: '医院' }))[0].sessionId).toBe('s2');
  });

  it('filters by time window and session, and forgets deleted rows', async () => {
    const [a] = await store.storeMessages('test', 'jan', [{ type: 'human', content: '我喜欢草莓蛋糕' }], new Date(2026, 0, 5));
    await store.storeMessages('test', 'may', [{ type: 'human', content: '草莓季节到了' }], new Date(2026, 4, 5));
    expect((await recall.search('test', { query: '草莓' })).map((h) => h.sessionId).sort()).toEqual(['jan', 'may']);
    expect((await recall.search('test', { query: '草莓', from: new Date(2026, 3, 1) })).map((h) => h.sessionId)).toEqual(['may']);
    expect((await recall.search('test', { query: '草莓', sessionId: 'jan' })).map((h) => h.text)).toEqual(['我喜欢草莓蛋糕']);
    await store.delete('test', 'original', [a]);
    expect((await recall.search('test', { query: '蛋糕' })).length).toBe(0);
    await store.updateMessage('test', 'original', a + 1, { type: 'human', content: '蓝莓季节到了' });
    expect((await recall.search('test', { query: '蓝莓' }))[0].text).toBe('蓝莓季节到了');
  });

  it('prefers the recent memory when two match equally', async () => {
    await store.storeMessages('test', 'old', [{ type: 'human', content: 'my favourite band is the beatles' }], new Date(2024, 0, 1));
    await store.storeMessages('test', 'new', [{ type: 'human', content: 'my favourite band is the beatles' }], new Date(2026, 5, 20));
    expect((await recall.search('test', { query: 'favourite band' }))[0].sessionId).toBe('new');
  });
});
