/**
 * The memory server's browse API through main (/api/memory/{name}/…): turns, summaries and facts
 * paged newest first, recall search, corrections and forgetting, and the short-term (recent) file.
 */
import { api, ApiError, ensureOk } from '../../core/api';
import { enc } from '../../core/dom';
import { t } from '../../core/i18n';

/** What the timeline and search show: a turn that was said, a conversation summary, an extracted fact. */
export type MemoryKind = 'turn' | 'summary' | 'fact';
export const MEMORY_KINDS: readonly MemoryKind[] = ['turn', 'summary', 'fact'];
const TABLE: Readonly<Record<MemoryKind, string>> = { turn: 'turns', summary: 'summaries', fact: 'facts' };

export interface MemoryItem {
  readonly kind: MemoryKind;
  readonly id: number;
  /** Local time as the memory server stores it (`YYYY-MM-DD HH:MM:SS.ffffff`), or null. */
  readonly timestamp: string | null;
  /** human / ai / system for turns; null for items without a message. */
  readonly type: string | null;
  readonly speaker: string | null;
  text: string;
}

interface WireItem {
  readonly id: number;
  readonly timestamp: string | null;
  readonly type?: string | null;
  readonly speaker?: string | null;
  readonly text: string;
  readonly kind?: string;
}

export interface RecentEntry {
  type: 'human' | 'ai' | 'system';
  text: string;
}

/** The memory server being down is the usual failure: say so in words, not as "error 503". */
function plain(err: unknown): unknown {
  if (err instanceof ApiError && (err.status === 502 || err.status === 503 || err.status === 0)) return new ApiError(t('memory.down'), err.status, err.body);
  return err;
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw plain(err);
  }
}

const base = (name: string) => `/api/memory/${enc(name)}`;
const toItem = (kind: MemoryKind, w: WireItem): MemoryItem => ({ kind, id: w.id, timestamp: w.timestamp, type: w.type ?? null, speaker: w.speaker ?? null, text: w.text });

/** One page of one kind, newest first. */
export async function fetchPage(name: string, kind: MemoryKind, offset: number, limit: number, signal?: AbortSignal): Promise<{ total: number; items: MemoryItem[] }> {
  const body = await call(() => api.get<{ total: number; items: WireItem[] }>(`${base(name)}/${TABLE[kind]}`, { query: { offset, limit, order: 'desc' }, signal }));
  return { total: body.total, items: body.items.map((w) => toItem(kind, w)) };
}

/** Recall search; results are ranked (best first). */
export async function searchMemories(name: string, q: string, signal?: AbortSignal): Promise<MemoryItem[]> {
  const body = await call(() => api.get<{ results: WireItem[] }>(`${base(name)}/search`, { query: { q, k: 30 }, signal, timeoutMs: 45_000 }));
  return body.results.flatMap((w) => {
    const kind = MEMORY_KINDS.find((k) => k === w.kind);
    return kind ? [toItem(kind, w)] : [];
  });
}

export async function editMemory(name: string, item: MemoryItem, text: string): Promise<string> {
  const body = await call(() => api.patch<WireItem>(`${base(name)}/${TABLE[item.kind]}/${item.id}`, { text }));
  return body.text;
}

export async function forgetMemory(name: string, item: MemoryItem): Promise<void> {
  await call(async () => ensureOk(await api.del(`${base(name)}/${TABLE[item.kind]}/${item.id}`)));
}

export async function readRecent(name: string): Promise<RecentEntry[]> {
  const body = await call(() => api.get<{ entries: RecentEntry[] }>(`${base(name)}/recent`));
  return body.entries.map((e) => ({ type: e.type, text: e.text }));
}

export async function saveRecent(name: string, entries: readonly RecentEntry[]): Promise<void> {
  await call(async () => ensureOk(await api.put(`${base(name)}/recent`, { entries })));
}

export async function readReview(): Promise<boolean> {
  return (await api.get<{ enabled?: boolean }>('/api/memory/review_config')).enabled !== false;
}

export async function saveReview(enabled: boolean): Promise<boolean> {
  return ensureOk(await api.post<{ enabled?: boolean }>('/api/memory/review_config', { enabled })).enabled === true;
}

/** A stored local timestamp as a Date (undefined when missing or unreadable). */
export function memoryDate(timestamp: string | null): Date | undefined {
  const m = timestamp ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(timestamp) : null;
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}
