import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { HashedEmbedding } from '../src/memory/embedding/hashed.embedding';
import { RelatednessLexicon } from '../src/memory/relatedness/relatedness.lexicon';
import { locomoGroups } from '../src/memory/cli/locomo.import';
import { RecallService, type Retriever } from '../src/memory/search/recall.service';
import { SemanticIndexer } from '../src/memory/semantic/semantic-indexer.service';
import { VectorStoreRepository } from '../src/memory/semantic/vector-store.repository';
import { TimeIndexRepository } from '../src/memory/time-index/time-index.repository';
import { CharactersService } from '../src/shared/config/characters.service';
import { dataFolderAt } from '../src/shared/data/data-folder';
import { percentile, printTable, writeResult } from './report';

/** ../shared/bench/locomo10 next to the repository (see its README). */
export const LOCOMO_DIR = process.env.LOCOMO_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'bench', 'locomo10');
const KS = [5, 10, 20] as const;
const CATEGORY = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop', 5: 'adversarial' } as const;

interface Qa {
  question: string;
  evidence: string[];
  category: keyof typeof CATEGORY;
}

export async function benchLocomo(): Promise<void> {
  Logger.overrideLogger(['error']);
  const files = readdirSync(LOCOMO_DIR).filter((f) => f.endsWith('.json')).sort();
  const root = mkdtempSync(join(tmpdir(), 'neko-locomo-'));
  const folder = dataFolderAt(root);
  const lexicon = new RelatednessLexicon();
  const store = new TimeIndexRepository(folder, lexicon);
  let latestTime = new Date(0);
  const vectors = new VectorStoreRepository(folder);
  const embedder = new HashedEmbedding();
  const indexer = new SemanticIndexer(store, vectors, embedder);
  const recall = new RecallService(store, new CharactersService(folder), () => latestTime, vectors, embedder);
  const modes: Record<string, { retrievers?: readonly Retriever[]; vectorWeight?: number; expand?: boolean; querySynonyms?: boolean }> = {
    'lexical, no expansion': { retrievers: ['lexical'], expand: false },
    'lexical + relatedness (index)': { retrievers: ['lexical'] },
    'lexical + relatedness (+ query synonyms)': { retrievers: ['lexical'], querySynonyms: true },
    'vector (hashed)': { retrievers: ['vector'] },
    'hybrid, equal weights': { retrievers: ['lexical', 'vector'], vectorWeight: 1 },
    'default (as shipped)': {},
  };
  const hits: Record<string, Record<string, Record<number, number[]>>> = {};
  const searchMs: number[] = [];
  let indexMs = 0;
  const storeMs: number[] = [];
  let turns = 0;
  for (const file of files) {
    const conv = JSON.parse(readFileSync(join(LOCOMO_DIR, file), 'utf8')) as Record<string, unknown>;
    const name = `locomo${file.replace('.json', '')}`;
    const byId = new Map<number, string>();
    for (const session of locomoGroups(join(LOCOMO_DIR, file))) {
      if (session.at > latestTime) latestTime = session.at;
      const t0 = performance.now();
      const ids = await store.storeMessages(name, session.session, session.messages, session.at);
      storeMs.push((performance.now() - t0) / session.messages.length);
      ids.forEach((id, i) => byId.set(id, session.diaIds[i]));
      turns += session.messages.length;
    }
    const t0 = performance.now();
    await indexer.catchUp(name);
    indexMs += performance.now() - t0;
    for (const qa of conv.qa as Qa[]) {
      if (!qa.evidence?.length) continue;
      const cat = CATEGORY[qa.category] ?? String(qa.category);
      for (const [mode, options] of Object.entries(modes)) {
        const t1 = performance.now();
        if (options.querySynonyms) process.env.NEKO_QUERY_EXPANSION = '1';
        const found = await recall.search(name, { query: qa.question, k: 20, kinds: ['original'], ...options });
        delete process.env.NEKO_QUERY_EXPANSION;
        if (mode === 'hybrid, equal weights') searchMs.push(performance.now() - t1);
        const ranked = found.map((h) => byId.get(h.sourceId));
        hits[mode] ??= {};
        hits[mode][cat] ??= { 5: [], 10: [], 20: [] };
        for (const k of KS) {
          const top = new Set(ranked.slice(0, k));
          hits[mode][cat][k].push(qa.evidence.filter((e) => top.has(e)).length / qa.evidence.length);
        }
      }
    }
    await store.close(name);
    vectors.close(name);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const summary: Record<string, Record<string, Record<number, number>>> = {};
  const rows: Array<Array<string | number>> = [];
  for (const [mode, byCat] of Object.entries(hits)) {
    summary[mode] = {};
    const answerable = Object.entries(byCat).filter(([c]) => c !== 'adversarial');
    for (const [cat, v] of [...Object.entries(byCat), ['overall (1–4)', { 5: answerable.flatMap(([, x]) => x[5]), 10: answerable.flatMap(([, x]) => x[10]), 20: answerable.flatMap(([, x]) => x[20]) }] as const]) {
      summary[mode][cat] = Object.fromEntries(KS.map((k) => [k, mean(v[k])]));
      rows.push([mode, cat, v[5].length, ...KS.map((k) => mean(v[k]) * 100)]);
    }
  }
  printTable(`LoCoMo retrieval (${files.length} conversations, ${turns} turns): recall@k of the evidence turns, % (offline: BM25 on jieba/Porter2 terms; vector = hashed ${await embedder.modelId()})`, ['retrievers', 'category', 'questions', 'R@5', 'R@10', 'R@20'], rows);
  const sorted = [...searchMs].sort((a, b) => a - b);
  printTable('LoCoMo timings', ['metric', 'value'], [
    ['store, ms per turn (median)', percentile([...storeMs].sort((a, b) => a - b), 50)],
    ['vector indexing, ms per turn', indexMs / turns],
    ['hybrid search p50 (ms)', percentile(sorted, 50)],
    ['hybrid search p99 (ms)', percentile(sorted, 99)],
  ]);
  console.log(`written ${writeResult('locomo', { turns, embedder: await embedder.modelId(), recallAtK: summary, searchMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }, indexMsPerTurn: indexMs / turns })}`);
  await store.onModuleDestroy();
  lexicon.onModuleDestroy();
  rmSync(root, { recursive: true, force: true });
}
