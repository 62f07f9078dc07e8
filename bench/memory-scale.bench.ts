import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { probeHealth } from '../src/launcher/health.probe';
import { locomoGroups } from '../src/memory/cli/locomo.import';
import { HashedEmbedding } from '../src/memory/embedding/hashed.embedding';
import type { ChatMessage } from '../src/memory/messages/chat-message';
import { RelatednessLexicon } from '../src/memory/relatedness/relatedness.lexicon';
import { RecallService } from '../src/memory/search/recall.service';
import { SemanticIndexer } from '../src/memory/semantic/semantic-indexer.service';
import { VectorStoreRepository } from '../src/memory/semantic/vector-store.repository';
import { TimeIndexRepository } from '../src/memory/time-index/time-index.repository';
import { CharactersService } from '../src/shared/config/characters.service';
import { dataFolderAt } from '../src/shared/data/data-folder';
import { freePortEnv } from '../test/support/boot-context';
import { LOCOMO_DIR } from './locomo.bench';
import { percentile, printTable, writeResult } from './report';

const SIZES = (process.env.BENCH_MEMORY_SIZES ?? '1000,10000,100000').split(',').map(Number);
const QUERIES = 200;

function duSync(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + duSync(join(path, name)), 0);
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
};

/** LoCoMo turns and questions, reused as realistic text at any size. */
function corpus(): { turns: string[]; questions: string[] } {
  const turns: string[] = [];
  const questions: string[] = [];
  for (const f of readdirSync(LOCOMO_DIR).filter((x) => x.endsWith('.json'))) {
    for (const session of locomoGroups(join(LOCOMO_DIR, f))) turns.push(...session.messages.map((m) => m.content as string));
    const conv = JSON.parse(readFileSync(join(LOCOMO_DIR, f), 'utf8')) as { qa: Array<{ question: string }> };
    for (const q of conv.qa) questions.push(q.question);
  }
  return { turns, questions };
}

async function httpTimes(port: number, method: 'GET' | 'POST', path: string, body: (i: number) => string | undefined, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body(i) });
    await res.text();
    times.push(performance.now() - t);
  }
  return times;
}

/** Store, recall and /new_dialog costs at 1k, 10k and 100k stored turns; bytes on disk per turn. */
export async function benchMemoryScale(): Promise<void> {
  Logger.overrideLogger(['error']);
  const { turns, questions } = corpus();
  const rows: Array<Array<string | number>> = [];
  const results: Record<string, unknown>[] = [];
  for (const size of SIZES) {
    const root = join(mkdtempSync(join(tmpdir(), 'neko-scale-')), 'N.E.K.O');
    const folder = dataFolderAt(root);
    const lexicon = new RelatednessLexicon();
    const store = new TimeIndexRepository(folder, lexicon);
    const vectors = new VectorStoreRepository(folder);
    const embedder = new HashedEmbedding();
    const start = new Date(2024, 0, 1).getTime();
    const storeMs: number[] = [];
    for (let i = 0; i < size; i += 10) {
      const batch: ChatMessage[] = Array.from({ length: Math.min(10, size - i) }, (_, j) => ({ type: j % 2 ? 'ai' : 'human', content: `${turns[(i + j) % turns.length]} (#${i + j})` }));
      const t = performance.now();
      await store.storeMessages('test', `s${i}`, batch, new Date(start + i * 60_000));
      storeMs.push((performance.now() - t) / batch.length);
    }
    const t0 = performance.now();
    await new SemanticIndexer(store, vectors, embedder).catchUp('test');
    const indexMsPerTurn = (performance.now() - t0) / size;
    const recall = new RecallService(store, new CharactersService(folder), () => new Date(start + size * 60_000), vectors, embedder);
    const lexicalMs: number[] = [];
    const hybridMs: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      let t = performance.now();
      await recall.search('test', { query: questions[q % questions.length] });
      lexicalMs.push(performance.now() - t);
      t = performance.now();
      await recall.search('test', { query: questions[q % questions.length], retrievers: ['lexical', 'vector'], vectorWeight: 1 });
      hybridMs.push(performance.now() - t);
    }
    await store.onModuleDestroy();
    vectors.onModuleDestroy();
    lexicon.onModuleDestroy();
    const bytes = duSync(join(root, 'memory'));

    // The real server on that folder: /new_dialog and /process over HTTP.
    mkdirSync(join(root, 'config'), { recursive: true });
    writeFileSync(join(root, 'config', 'characters.json'), JSON.stringify({ 主人: { 档案名: '哥哥' }, 猫娘: { test: {} }, 当前猫娘: 'test' }));
    const env: Record<string, string> = { ...(await freePortEnv()), NEKO_DATA_DIR: root, NEKO_LOG_LEVEL: 'error' };
    const port = Number(env.NEKO_MEMORY_SERVER_PORT);
    const server = spawn(process.execPath, [join(__dirname, '..', 'bundle', 'memory.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
    while (!(await probeHealth(port))) await new Promise((r) => setTimeout(r, 20));
    await httpTimes(port, 'GET', '/new_dialog/test', () => undefined, 5);
    const dialogMs = await httpTimes(port, 'GET', '/new_dialog/test', () => undefined, 100);
    const turnBody = (i: number) => JSON.stringify({ input_history: JSON.stringify([{ role: 'user', content: `turn ${i}` }, { role: 'assistant', content: `reply ${i}` }]) });
    await httpTimes(port, 'POST', '/process/test', turnBody, 5);
    const processMs = await httpTimes(port, 'POST', '/process/test', (i) => JSON.stringify({ input_history: JSON.stringify([{ role: 'user', content: `turn ${i}` }, { role: 'assistant', content: `reply ${i}` }]) }), 50);
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
    rmSync(root, { recursive: true, force: true });

    const r = {
      size,
      storeMsPerTurn: stats(storeMs).p50,
      indexMsPerTurn,
      bytesPerTurn: bytes / size,
      searchMs: stats(lexicalMs),
      hybridSearchMs: stats(hybridMs),
      newDialogMs: stats(dialogMs),
      processMs: stats(processMs),
    };
    results.push(r);
    rows.push([size, r.storeMsPerTurn, r.indexMsPerTurn, Math.round(r.bytesPerTurn), r.searchMs.p50, r.searchMs.p99, r.hybridSearchMs.p50, r.hybridSearchMs.p99, r.newDialogMs.p50, r.newDialogMs.p99, r.processMs.p50, r.processMs.p99]);
  }
  printTable('Memory at scale (LoCoMo text; times in ms; recall = default, hybrid = BM25 + LanceDB vectors)', ['turns', 'store/turn', 'vector index/turn', 'bytes/turn', 'recall p50', 'recall p99', 'hybrid p50', 'hybrid p99', '/new_dialog p50', '/new_dialog p99', '/process p50', '/process p99'], rows);
  console.log(`written ${writeResult('memory-scale', { results })}`);
}
