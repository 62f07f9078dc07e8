import { createReadStream, createWriteStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';
import { probeHealth } from '../../launcher/health.probe';
import { parseRuntimeEnv } from '../../shared/config/env.schema';
import { dataFolderAt, resolveDataRoot, type DataFolder } from '../../shared/data/data-folder';
import { ConfiguredEmbedding } from '../embedding/provider.embedding';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { fromStoredDict, messageText, type ChatMessage } from '../messages/chat-message';
import { validateLanlanName } from '../messages/lanlan-name.pipe';
import { RecentMemoryRepository } from '../recent/recent-memory.repository';
import { RelatednessLexicon } from '../relatedness/relatedness.lexicon';
import { SemanticIndexer } from '../semantic/semantic-indexer.service';
import { VectorStoreRepository } from '../semantic/vector-store.repository';
import { TimeIndexRepository } from '../time-index/time-index.repository';
import { ProgressBar } from './progress-bar';

const USAGE = `Usage: npm run memory -- <command>
  stats [name]                 memory per character: turns, summaries, recent entries, vectors, disk
  export <name> [file.jsonl]   every stored turn as JSON lines (stdout when no file)
  import <name> <file.jsonl>   turns from JSON lines {"type"|"role", "text"|"content", "timestamp"?, "session_id"?}
  import <name> --locomo <conversation.json>   a LoCoMo conversation (speaker_a = master)
  reindex <name>               rebuild recall terms and vectors (shows progress)
Writes need the memory server stopped (it owns the files while it runs).`;

interface Tools {
  readonly folder: DataFolder;
  readonly store: TimeIndexRepository;
  readonly indexer: SemanticIndexer;
  readonly recent: RecentMemoryRepository;
  close(): Promise<void>;
}

function tools(): Tools {
  const env = parseRuntimeEnv();
  const folder = dataFolderAt(resolveDataRoot(env.dataDir));
  const lexicon = new RelatednessLexicon();
  const store = new TimeIndexRepository(folder, lexicon);
  const vectors = new VectorStoreRepository(folder);
  const indexer = new SemanticIndexer(store, vectors, new ConfiguredEmbedding(new CoreConfigService(folder)));
  return {
    folder,
    store,
    indexer,
    recent: new RecentMemoryRepository(folder),
    close: async () => {
      await store.onModuleDestroy();
      vectors.onModuleDestroy();
      lexicon.onModuleDestroy();
    },
  };
}

async function refuseWhileServerRuns(): Promise<void> {
  const port = parseRuntimeEnv().ports.memory;
  if (await probeHealth(port, 500)) throw new Error(`the memory server is running on port ${port}; stop N.E.K.O. before changing memory from the command line`);
}

function characters(folder: DataFolder): string[] {
  return readdirSync(folder.memoryDir).flatMap((f) => /^time_indexed_(.+)$/.exec(f)?.[1] ?? []).filter((n) => !/-(wal|shm|journal)$/.test(n));
}

function du(path: string): number {
  try {
    const st = statSync(path);
    return st.isDirectory() ? readdirSync(path).reduce((s, n) => s + du(join(path, n)), 0) : st.size;
  } catch {
    return 0;
  }
}

async function stats(t: Tools, only?: string): Promise<void> {
  for (const name of only ? [only] : characters(t.folder)) {
    const turns = (await t.store.list(name, 'original', { limit: 1 })).total;
    const summaries = (await t.store.list(name, 'compressed', { limit: 1 })).total;
    const p = await t.indexer.progress(name);
    const disk = du(t.store.path(name)) + du(`${t.store.path(name)}-wal`) + du(join(t.folder.memoryDir, `semantic_memory_${name}`));
    console.log(`${name}: ${turns} turns, ${summaries} summaries, ${(await t.recent.read(name)).length} recent entries; vectors ${p.indexed} (${p.model}, ${p.pending} pending); ${(disk / 1048576).toFixed(1)} MiB on disk`);
  }
}

async function exportTurns(t: Tools, name: string, file?: string): Promise<void> {
  const out = file ? createWriteStream(file) : process.stdout;
  for (let offset = 0; ; offset += 1000) {
    const { entries } = await t.store.list(name, 'original', { limit: 1000, offset });
    for (const e of entries) out.write(`${JSON.stringify({ id: e.id, session_id: e.sessionId, timestamp: e.timestamp, type: e.message?.type, text: e.message ? messageText(e.message) : '' })}\n`);
    if (entries.length < 1000) break;
  }
  if (file) await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(() => resolve()));
}

async function importTurns(t: Tools, name: string, file: string): Promise<number> {
  const groups = new Map<string, { at: Date; messages: ChatMessage[] }>();
  let lineNo = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    lineNo++;
    if (line.trim() === '') continue;
    const raw = JSON.parse(line) as Record<string, unknown>;
    const message = fromStoredDict({ type: raw.type ?? raw.role, data: { content: raw.text ?? raw.content } });
    if (!message) throw new Error(`${file}:${lineNo}: not a message`);
    const session = typeof raw.session_id === 'string' ? raw.session_id : 'import';
    const at = typeof raw.timestamp === 'string' && !Number.isNaN(Date.parse(raw.timestamp)) ? new Date(raw.timestamp) : new Date();
    const g = groups.get(session) ?? { at, messages: [] };
    g.messages.push(message);
    groups.set(session, g);
  }
  return storeGroups(t, name, [...groups].map(([session, g]) => ({ session, ...g })));
}

async function storeGroups(t: Tools, name: string, groups: Array<{ session: string; at: Date; messages: ChatMessage[] }>): Promise<number> {
  const total = groups.reduce((s, g) => s + g.messages.length, 0);
  const bar = new ProgressBar('storing');
  let done = 0;
  for (const g of groups) {
    await t.store.storeMessages(name, g.session, g.messages, g.at);
    bar.update((done += g.messages.length), total);
  }
  bar.done();
  await catchUp(t, name);
  return total;
}

async function catchUp(t: Tools, name: string): Promise<void> {
  const bar = new ProgressBar('vectors');
  const start = await t.indexer.progress(name);
  await t.indexer.catchUp(name, (p) => bar.update(start.pending - p.pending, start.pending));
  bar.done();
}

async function main(argv: string[]): Promise<void> {
  Logger.overrideLogger(['error', 'warn']);
  const [command, rawName, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') return void console.log(USAGE);
  const name = rawName === undefined ? undefined : validateLanlanName(rawName);
  const t = tools();
  try {
    if (command === 'stats') await stats(t, name);
    else if (command === 'export' && name) await exportTurns(t, name, rest[0]);
    else if (command === 'import' && name && rest[0] === '--locomo' && rest[1]) {
      await refuseWhileServerRuns();
      const { locomoGroups } = await import('./locomo.import');
      console.log(`imported ${await storeGroups(t, name, locomoGroups(rest[1]))} turns into ${name}`);
    } else if (command === 'import' && name && rest[0]) {
      await refuseWhileServerRuns();
      console.log(`imported ${await importTurns(t, name, rest[0])} turns into ${name}`);
    } else if (command === 'reindex' && name) {
      await refuseWhileServerRuns();
      await t.store.rebuildTerms(name);
      await t.indexer.requeueAll(name);
      await catchUp(t, name);
      console.log(`re-indexed ${name}`);
    } else console.log(USAGE);
  } finally {
    await t.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`memory: ${(err as Error).message}`);
  process.exit(1);
});
