import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { RecallService } from '../src/memory/search/recall.service';
import { TimeIndexRepository } from '../src/memory/time-index/time-index.repository';
import { CharactersService } from '../src/shared/config/characters.service';
import { dataFolderAt } from '../src/shared/data/data-folder';
import { percentile, printTable, writeResult } from './report';

/** ../shared/bench/locomo10 next to the repository (see its README). */
const LOCOMO_DIR = process.env.LOCOMO_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'bench', 'locomo10');
const KS = [5, 10, 20] as const;
const CATEGORY = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop', 5: 'adversarial' } as const;

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}
interface Qa {
  question: string;
  evidence: string[];
  category: keyof typeof CATEGORY;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "1:56 pm on 8 May, 2023" → local Date. */
export function parseLocomoDate(text: string): Date {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+(\w+),?\s+(\d{4})/i.exec(text);
  if (!m) throw new Error(`unreadable LoCoMo date: ${text}`);
  const hour = (Number(m[1]) % 12) + (m[3].toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Number(m[6]), MONTHS.indexOf(m[5].toLowerCase()), Number(m[4]), hour, Number(m[2]));
}

export async function benchLocomo(): Promise<void> {
  Logger.overrideLogger(['error']);
  const files = readdirSync(LOCOMO_DIR).filter((f) => f.endsWith('.json')).sort();
  const root = mkdtempSync(join(tmpdir(), 'neko-locomo-'));
  const folder = dataFolderAt(root);
  const store = new TimeIndexRepository(folder);
  let latestTime = new Date(0);
  const recall = new RecallService(store, new CharactersService(folder), () => latestTime);
  const hits: Record<string, Record<number, number[]>> = {};
  const searchMs: number[] = [];
  const storeMs: number[] = [];
  let turns = 0;
  for (const file of files) {
    const conv = JSON.parse(readFileSync(join(LOCOMO_DIR, file), 'utf8')) as Record<string, unknown>;
    const name = `locomo${file.replace('.json', '')}`;
    const speakerA = conv.speaker_a as string;
    const byId = new Map<number, string>();
    for (let s = 1; Array.isArray(conv[`session_${s}`]); s++) {
      const at = parseLocomoDate(conv[`session_${s}_date_time`] as string);
      if (at > latestTime) latestTime = at;
      const sessionTurns = conv[`session_${s}`] as Turn[];
      const messages = sessionTurns.map((t) => ({
        type: t.speaker === speakerA ? ('human' as const) : ('ai' as const),
        content: `${t.speaker}: ${t.text}${t.blip_caption ? ` [shares a photo of ${t.blip_caption}]` : ''}`,
      }));
      const t0 = performance.now();
      const ids = await store.storeMessages(name, `session_${s}`, messages, at);
      storeMs.push((performance.now() - t0) / messages.length);
      ids.forEach((id, i) => byId.set(id, sessionTurns[i].dia_id));
      turns += messages.length;
    }
    for (const qa of conv.qa as Qa[]) {
      if (!qa.evidence?.length) continue;
      const t0 = performance.now();
      const found = await recall.search(name, { query: qa.question, k: 20, kinds: ['original'] });
      searchMs.push(performance.now() - t0);
      const ranked = found.map((h) => byId.get(h.sourceId));
      const cat = CATEGORY[qa.category] ?? String(qa.category);
      hits[cat] ??= { 5: [], 10: [], 20: [] };
      for (const k of KS) {
        const top = new Set(ranked.slice(0, k));
        hits[cat][k].push(qa.evidence.filter((e) => top.has(e)).length / qa.evidence.length);
      }
    }
    await store.close(name);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const answerable = Object.entries(hits).filter(([c]) => c !== 'adversarial');
  const overall = Object.fromEntries(KS.map((k) => [k, mean(answerable.flatMap(([, v]) => v[k]))]));
  const rows = [...Object.entries(hits).map(([cat, v]) => [cat, v[5].length, ...KS.map((k) => mean(v[k]) * 100)] as const), ['overall (1–4)', answerable.reduce((a, [, v]) => a + v[5].length, 0), ...KS.map((k) => overall[k] * 100)] as const];
  printTable(`LoCoMo retrieval (${files.length} conversations, ${turns} turns): recall@k of evidence turns, %, lexical BM25 (jieba/Porter2) + recency`, ['category', 'questions', 'R@5', 'R@10', 'R@20'], rows.map((r) => [...r]));
  const sorted = [...searchMs].sort((a, b) => a - b);
  printTable('LoCoMo timings', ['metric', 'value'], [
    ['store, ms per turn (median)', percentile([...storeMs].sort((a, b) => a - b), 50)],
    ['search p50 (ms)', percentile(sorted, 50)],
    ['search p99 (ms)', percentile(sorted, 99)],
  ]);
  console.log(`written ${writeResult('locomo', { retrievers: 'lexical', turns, recallAtK: Object.fromEntries(Object.entries(hits).map(([c, v]) => [c, Object.fromEntries(KS.map((k) => [k, mean(v[k])]))])), overall, searchMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) } })}`);
  await store.onModuleDestroy();
  rmSync(root, { recursive: true, force: true });
}
