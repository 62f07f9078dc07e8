import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MemoryAppModule } from '../../src/memory/memory-app.module';
import { RecallService } from '../../src/memory/search/recall.service';
import { SemanticIndexer } from '../../src/memory/semantic/semantic-indexer.service';
import { VectorStoreRepository } from '../../src/memory/semantic/vector-store.repository';
import { TimeIndexRepository } from '../../src/memory/time-index/time-index.repository';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { freePortEnv } from '../support/boot-context';
import { waitFor } from '../support/free-port';

jest.setTimeout(30_000);

async function boot(root: string): Promise<INestApplicationContext> {
  const ctx = await createBootContext('memory', { ...(await freePortEnv()), NEKO_DATA_DIR: root });
  const moduleRef = await Test.createTestingModule({ imports: [MemoryAppModule.register(ctx)] }).compile();
  return moduleRef.init();
}

describe('semantic memory in LanceDB (real directory)', () => {
  let fake: FakeOpenAi;
  let root: string;
  let app: INestApplicationContext;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-emb', embeddingDimensions: 32 });
    root = join(mkdtempSync(join(tmpdir(), 'neko-sem-')), 'N.E.K.O');
    app = await boot(root);
  });
  afterEach(async () => {
    await app.close();
    await fake.close();
  });

  const useProvider = (model: string) =>
    writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify({ coreApi: 'qwen', assistApi: 'qwen', embeddingModelId: model, embeddingModelUrl: fake.baseUrl, embeddingModelApiKey: 'sk-emb' }));

  it('indexes hashed vectors offline (same schema) but recalls lexically', async () => {
    const store = app.get(TimeIndexRepository);
    await store.storeMessages('test', 's', [{ type: 'human', content: '我的猫叫麻薯' }, { type: 'ai', content: 'I love pottery' }]);
    await app.get(SemanticIndexer).catchUp('test');
    expect(await app.get(SemanticIndexer).progress('test')).toEqual({ model: 'hashed-v1-384', pending: 0, indexed: 2 });
    const hits = await app.get(RecallService).search('test', { query: '麻薯' });
    expect(hits[0].retrievers).toEqual(['lexical']);
  });

  it('uses the provider embeddings in batches, fuses them with BM25, and re-indexes when the model changes', async () => {
    useProvider('emb-a');
    const store = app.get(TimeIndexRepository);
    const turns = Array.from({ length: 70 }, (_, i) => ({ type: 'human' as const, content: `note number ${i} about cats` }));
    await store.storeMessages('test', 's', turns);
    const indexer = app.get(SemanticIndexer);
    await indexer.catchUp('test');
    const embedCalls = fake.requests.filter((r) => r.path === '/v1/embeddings');
    expect(embedCalls.map((r) => (r.body?.input as string[]).length)).toEqual([64, 6]);
    expect(embedCalls[0].body).toMatchObject({ model: 'emb-a', encoding_format: 'float' });
    expect(await indexer.progress('test')).toEqual({ model: 'provider-emb-a', pending: 0, indexed: 70 });

    const hits = await app.get(RecallService).search('test', { query: 'note number 7 about cats', k: 3 });
    expect(hits[0].text).toBe('note number 7 about cats');
    expect([...hits[0].retrievers].sort()).toEqual(['lexical', 'vector']);

    // A new model in core_config.json: the server re-indexes in the background by itself.
    useProvider('emb-b');
    await waitFor(async () => JSON.stringify(await indexer.progress('test')) === JSON.stringify({ model: 'provider-emb-b', pending: 0, indexed: 70 }), 'background re-index', 15_000);
    // Progress is reported batch by batch.
    await store.storeMessages('test', 's2', turns);
    const seen: number[] = [];
    await indexer.catchUp('test', (p) => seen.push(p.pending));
    expect(seen).toEqual([6, 0]);
    expect(await indexer.progress('test')).toEqual({ model: 'provider-emb-b', pending: 0, indexed: 140 });
    // The old model's vectors stay in their own table; nothing was mixed.
    expect(await app.get(VectorStoreRepository).count('test', 'provider-emb-a')).toBe(70);
  });

  it('removes vectors of forgotten memories and re-embeds edited ones', async () => {
    useProvider('emb-a');
    const store = app.get(TimeIndexRepository);
    const [a, b] = await store.storeMessages('test', 's', [{ type: 'human', content: 'alpha' }, { type: 'human', content: 'beta' }]);
    const indexer = app.get(SemanticIndexer);
    await indexer.catchUp('test');
    await store.delete('test', 'original', [a]);
    await store.updateMessage('test', 'original', b, { type: 'human', content: 'gamma' });
    await indexer.catchUp('test');
    expect((await indexer.progress('test')).indexed).toBe(1);
    const hits = await app.get(RecallService).search('test', { query: 'gamma', retrievers: ['vector'] });
    expect(hits.map((h) => h.text)).toEqual(['gamma']);
  });

  it('recalls lexically when the provider is down', async () => {
    useProvider('emb-a');
    await app.get(TimeIndexRepository).storeMessages('test', 's', [{ type: 'human', content: 'strawberry cake' }]);
    fake.script.embeddings({ error: { status: 500 }, times: 5 });
    const hits = await app.get(RecallService).search('test', { query: 'strawberry' });
    expect(hits.map((h) => h.retrievers)).toEqual([['lexical']]);
  });
});
