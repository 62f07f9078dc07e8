import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { HashedEmbedding } from '../src/memory/embedding/hashed.embedding';
import { RelatednessLexicon } from '../src/memory/relatedness/relatedness.lexicon';
import { RecallService, type RecallQuery } from '../src/memory/search/recall.service';
import { tokenize } from '../src/memory/search/tokenizer';
import { SemanticIndexer } from '../src/memory/semantic/semantic-indexer.service';
import { VectorStoreRepository } from '../src/memory/semantic/vector-store.repository';
import { TimeIndexRepository } from '../src/memory/time-index/time-index.repository';
import { CharactersService } from '../src/shared/config/characters.service';
import { dataFolderAt } from '../src/shared/data/data-folder';
import { printTable, writeResult } from './report';

interface ParaphraseSet {
  items: Array<{ lang: 'en' | 'zh'; memory: string; question: string }>;
  distractors: string[];
}

/** Our paraphrase set: questions that share no recall term with the memory that answers them. */
export async function benchParaphrase(): Promise<void> {
  Logger.overrideLogger(['error']);
  const set = JSON.parse(readFileSync(join(__dirname, '..', '..', 'bench', 'paraphrase-set.json'), 'utf8')) as ParaphraseSet;
  for (const item of set.items) {
    const shared = tokenize(item.question).filter((t) => tokenize(item.memory).includes(t));
    if (shared.length > 0) throw new Error(`paraphrase set: "${item.question}" shares ${shared.join(', ')} with its memory`);
  }
  const root = mkdtempSync(join(tmpdir(), 'neko-para-'));
  const folder = dataFolderAt(root);
  const lexicon = new RelatednessLexicon();
  const store = new TimeIndexRepository(folder, lexicon);
  const vectors = new VectorStoreRepository(folder);
  const embedder = new HashedEmbedding();
  const recall = new RecallService(store, new CharactersService(folder), () => new Date(), vectors, embedder);
  const texts = [...set.items.map((i) => i.memory), ...set.distractors];
  const ids = await store.storeMessages('para', 's', texts.map((content) => ({ type: 'human' as const, content })));
  await new SemanticIndexer(store, vectors, embedder).catchUp('para');
  const modes: Record<string, Partial<RecallQuery> & { querySynonyms?: boolean }> = {
    'lexical, no expansion': { retrievers: ['lexical'], expand: false },
    'lexical + relatedness (index)': { retrievers: ['lexical'] },
    'lexical + relatedness (+ query synonyms)': { retrievers: ['lexical'], querySynonyms: true },
    'hybrid, equal weights (hashed vectors)': { retrievers: ['lexical', 'vector'], vectorWeight: 1 },
  };
  const rows: Array<Array<string | number>> = [];
  const result: Record<string, Record<string, Record<number, number>>> = {};
  for (const [mode, options] of Object.entries(modes)) {
    result[mode] = {};
    for (const lang of ['en', 'zh'] as const) {
      const items = set.items.filter((i) => i.lang === lang);
      const hit = { 5: 0, 10: 0 } as Record<number, number>;
      for (const item of items) {
        if (options.querySynonyms) process.env.NEKO_QUERY_EXPANSION = '1';
        const found = await recall.search('para', { query: item.question, k: 10, ...options });
        delete process.env.NEKO_QUERY_EXPANSION;
        const target = ids[texts.indexOf(item.memory)];
        const rank = found.findIndex((h) => h.sourceId === target);
        if (rank >= 0 && rank < 5) hit[5]++;
        if (rank >= 0 && rank < 10) hit[10]++;
      }
      result[mode][lang] = { 5: hit[5] / items.length, 10: hit[10] / items.length };
      rows.push([mode, lang, items.length, (hit[5] / items.length) * 100, (hit[10] / items.length) * 100]);
    }
  }
  printTable(`Paraphrase recall (${set.items.length} questions sharing no term with their memory, ${set.distractors.length} distractors), %`, ['retrievers', 'lang', 'questions', 'R@5', 'R@10'], rows);
  console.log(`written ${writeResult('paraphrase', { recallAtK: result })}`);
  await store.onModuleDestroy();
  lexicon.onModuleDestroy();
  vectors.onModuleDestroy();
  rmSync(root, { recursive: true, force: true });
}
