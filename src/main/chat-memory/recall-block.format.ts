import { TIMESTAMP_PREFIX } from './turn-text.format';

/** Reply prefixes anywhere in a memory (summaries quote replies with theirs). */
const ANY_TIMESTAMP_PREFIX = new RegExp(TIMESTAMP_PREFIX.source.slice(1), 'g');

/** One result of the memory server's `GET /api/memory/<name>/search` (fields main reads). */
export interface RecallHit {
  readonly id: number;
  /** turn, summary or fact. */
  readonly kind: string;
  readonly text: string;
  readonly speaker: string;
  readonly timestamp: string | null;
  readonly sessionId?: string | null;
}

export interface RecallBounds {
  /** Most memories in one block. */
  readonly maxHits: number;
  /** Longest block (header included), in characters. */
  readonly maxChars: number;
  /** Longest single memory, in characters (longer ones are cut with …). */
  readonly maxHitChars: number;
}

export const RECALL_BOUNDS: RecallBounds = { maxHits: 5, maxChars: 1200, maxHitChars: 300 };

/** Stable key of a memory (what a session was given already). */
export const hitKey = (hit: Pick<RecallHit, 'kind' | 'id'>) => `${hit.kind}:${hit.id}`;

const GREETINGS = new Set([
  '你好', '您好', '嗨', '哈喽', '在吗', '在不在', '早', '早安', '早上好', '午安', '晚安', '晚上好', '拜拜', '再见', '谢谢', '多谢', '好的', '好',
  '嗯嗯', '对', '是的', '行', '可以', '没事', '知道了', '收到', '哈哈', 'hi', 'hello', 'hey', 'yo', 'ok', 'okay', 'yes', 'no', 'yeah', 'yep',
  'thanks', 'thankyou', 'bye', 'goodnight', 'goodmorning', 'lol', 'sure', 'fine',
]);
const FILLER = /^(?:[哈呵嘿嗯啊哦噢喵呜唔诶欸额呃]|ha|he|hm|um|uh|ah|oh)+$/i;

/** Letters and digits only, lower case (what decides whether a query is worth a search). */
const core = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();

/** Too short or only a greeting / filler word: nothing worth recalling for it. */
export function isTrivialQuery(text: string): boolean {
  const c = core(text);
  return [...c].length < 2 || GREETINGS.has(c) || FILLER.test(c);
}

/** The text two memories are compared by: without bracketed parts (as new_dialog writes them) and spaces. */
export function comparable(text: string): string {
  return text
    .replace(/(\[[^\n]*?\]|\([^\n]*?\)|（[^\n]*?）|【[^\n]*?】|\{[^\n]*?\}|<[^\n]*?>)/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}

/**
 * The hits to show: in rank order, not given to this session yet (`given`), not already in the
 * context (`context`: new_dialog text and this session's turns, compared without brackets), not
 * from a session whose turns the context holds (its summary repeats them), not repeating a hit
 * chosen before (one text inside the other), at most `maxHits`.
 */
export function selectHits(hits: readonly RecallHit[], given: ReadonlySet<string>, context: string, bounds = RECALL_BOUNDS): RecallHit[] {
  const known = comparable(context);
  const candidates = hits.map((hit) => ({ hit, text: comparable(hit.text) }));
  const inContext = (text: string) => text.length > 0 && known.includes(text);
  const knownSessions = new Set(candidates.filter((c) => c.hit.kind === 'turn' && c.hit.sessionId && inContext(c.text)).map((c) => c.hit.sessionId));
  const chosen: Array<{ hit: RecallHit; text: string }> = [];
  for (const c of candidates) {
    if (c.text.length === 0 || given.has(hitKey(c.hit)) || inContext(c.text)) continue;
    if (c.hit.sessionId && knownSessions.has(c.hit.sessionId)) continue;
    if (chosen.some((o) => o.text.includes(c.text) || c.text.includes(o.text))) continue;
    chosen.push(c);
    if (chosen.length >= bounds.maxHits) break;
  }
  return chosen.map((c) => c.hit);
}

/** Hits that repeat a shown one (one text inside the other): given along with it. */
export function coveredBy(hits: readonly RecallHit[], shown: readonly RecallHit[]): RecallHit[] {
  const texts = shown.map((h) => comparable(h.text)).filter((t) => t.length > 0);
  return hits.filter((h) => {
    const text = comparable(h.text);
    return text.length > 0 && texts.some((t) => t.includes(text) || text.includes(t));
  });
}

const LABEL: Readonly<Record<string, string>> = { summary: '往事摘要', fact: '已知' };

function line(hit: RecallHit, maxHitChars: number): string {
  const date = /^\d{4}-\d\d-\d\d/.exec(hit.timestamp ?? '')?.[0] ?? '????-??-??';
  const who = LABEL[hit.kind] ?? hit.speaker;
  let text = hit.text.replace(ANY_TIMESTAMP_PREFIX, '').replace(/\s+/g, ' ').trim();
  const chars = [...text];
  if (chars.length > maxHitChars) text = `${chars.slice(0, maxHitChars - 1).join('')}…`;
  return `[${date}] ${who} | ${text}`;
}

/**
 * One block for the model's context: a header saying these are older memories of `name` and `master`, then
 * one dated line per memory, oldest first, within `maxChars` (lines that do not fit are left
 * out). Returns the block ('' when nothing fits) and the hits it shows.
 */
export function renderRecallBlock(name: string, master: string, hits: readonly RecallHit[], bounds = RECALL_BOUNDS): { block: string; shown: RecallHit[] } {
  const header = `========${name}想起的往事========\n（${name}和${master}以前的相关记忆，日期是当时的日期；相关时自然地用上 / older memories, dated）\n`;
  let used = [...header].length;
  const chosen: Array<{ hit: RecallHit; text: string }> = [];
  for (const hit of hits.slice(0, bounds.maxHits)) {
    const text = `${line(hit, bounds.maxHitChars)}\n`;
    const size = [...text].length;
    if (used + size > bounds.maxChars) continue;
    used += size;
    chosen.push({ hit, text });
  }
  if (chosen.length === 0) return { block: '', shown: [] };
  chosen.sort((a, b) => (a.hit.timestamp ?? '').localeCompare(b.hit.timestamp ?? ''));
  return { block: header + chosen.map((c) => c.text).join(''), shown: chosen.map((c) => c.hit) };
}
