import type { DataSource, EntityManager } from 'typeorm';
import { messageText, type ChatMessage, type MessageType } from '../messages/chat-message';
import { COMPRESSED_TABLE, FACTS_TABLE, ORIGINAL_TABLE } from '../time-index/time-index.entity';
import type { Expansion, QueryExpansion } from '../relatedness/relatedness.lexicon';
import { tokenize } from './tokenizer';

export type DocKind = 'original' | 'summary' | 'fact';

export interface IndexedDoc {
  readonly kind: DocKind;
  readonly sourceId: number;
  readonly sessionId: string | null;
  readonly timestamp: string | null;
  readonly speaker: MessageType;
  readonly text: string;
}

/** A stored document found by a retriever. */
export interface LexicalHit extends IndexedDoc {
  readonly docId: number;
  /** Retriever score, higher is better (BM25, or 1 − cosine distance). */
  readonly score: number;
}

export interface DocFilter {
  readonly from?: string;
  readonly to?: string;
  readonly sessionId?: string;
  readonly kinds?: readonly DocKind[];
}

type Runner = Pick<EntityManager, 'query'>;

/** One FTS5 phrase per term, quotes doubled; OR-ed so that any shared term counts. */
export function ftsQuery(terms: readonly string[]): string {
  return [...new Set(terms)].map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}

export function docFromMessage(kind: DocKind, sourceId: number, sessionId: string | null, timestamp: string | null, message: ChatMessage): IndexedDoc {
  return { kind, sourceId, sessionId, timestamp, speaker: message.type, text: messageText(message) };
}

/** Version of the FTS layout and term derivation; a change rebuilds every character's index. */
export const FTS_VERSION = '4';

/** Adds documents, their terms and related terms (inside the caller's transaction). */
export async function indexDocs(runner: Runner, docs: readonly IndexedDoc[], expansion: Expansion): Promise<void> {
  for (const d of docs) {
    const rows = await runner.query<Array<{ id: number }>>(
      `INSERT INTO memory_docs (kind, source_id, session_id, timestamp, speaker, text) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(kind, source_id) DO UPDATE SET text = excluded.text RETURNING id`,
      [d.kind, d.sourceId, d.sessionId, d.timestamp, d.speaker, d.text],
    );
    const id = rows[0].id;
    await runner.query(`DELETE FROM memory_fts WHERE rowid = ?`, [id]);
    const terms = tokenize(d.text);
    await runner.query(`INSERT INTO memory_fts (rowid, terms, related) VALUES (?, ?, ?)`, [id, terms.join(' '), expansion.forIndex(terms).join(' ')]);
    await runner.query(`INSERT OR REPLACE INTO memory_vec_queue (doc_id, op) VALUES (?, 'upsert')`, [id]);
  }
}

export async function removeDocs(runner: Runner, kind: DocKind, sourceIds: readonly number[]): Promise<void> {
  for (const sourceId of sourceIds) {
    const rows = await runner.query<Array<{ id: number }>>(`DELETE FROM memory_docs WHERE kind = ? AND source_id = ? RETURNING id`, [kind, sourceId]);
    for (const r of rows) {
      await runner.query(`DELETE FROM memory_fts WHERE rowid = ?`, [r.id]);
      await runner.query(`INSERT OR REPLACE INTO memory_vec_queue (doc_id, op) VALUES (?, 'delete')`, [r.id]);
    }
  }
}

/** Indexes rows of N.E.K.O.'s tables that have no document yet (an existing install, or older rows). */
export async function backfillDocs(ds: DataSource, expansion: Expansion): Promise<number> {
  let total = 0;
  for (const [kind, table] of [['original', ORIGINAL_TABLE], ['summary', COMPRESSED_TABLE], ['fact', FACTS_TABLE]] as const) {
    for (;;) {
      const rows = await ds.query<Array<{ id: number; session_id: string | null; message: string; timestamp: string | null }>>(
        `SELECT t.id, t.session_id, t.message, t.timestamp FROM "${table}" t LEFT JOIN memory_docs d ON d.kind = ? AND d.source_id = t.id WHERE d.id IS NULL LIMIT 500`,
        [kind],
      );
      if (rows.length === 0) break;
      await ds.transaction(async (em) => {
        const docs: IndexedDoc[] = [];
        for (const r of rows) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(r.message);
          } catch {
            parsed = undefined;
          }
          const data = (parsed as { type?: string; data?: { content?: unknown } } | undefined) ?? {};
          const type = data.type === 'ai' || data.type === 'system' ? data.type : 'human';
          const content = data.data?.content;
          const message: ChatMessage = { type, content: typeof content === 'string' || Array.isArray(content) ? (content as ChatMessage['content']) : '' };
          docs.push(docFromMessage(kind, r.id, r.session_id, r.timestamp, message));
        }
        await indexDocs(em, docs, expansion);
      });
      total += rows.length;
    }
  }
  return total;
}

/** Re-derives every document's terms when the FTS layout or term derivation changed; returns how many. */
export async function rebuildTermsIfNeeded(ds: DataSource, expansion: Expansion): Promise<number> {
  if ((await readMeta(ds, 'fts_version')) === FTS_VERSION) return 0;
  let rebuilt = 0;
  await ds.query(`DELETE FROM memory_fts`);
  for (let after = 0; ; ) {
    const docs = await ds.query<Array<{ id: number; text: string }>>(`SELECT id, text FROM memory_docs WHERE id > ? ORDER BY id LIMIT 500`, [after]);
    if (docs.length === 0) break;
    await ds.transaction(async (em) => {
      for (const d of docs) {
        const terms = tokenize(d.text);
        await em.query(`INSERT INTO memory_fts (rowid, terms, related) VALUES (?, ?, ?)`, [d.id, terms.join(' '), expansion.forIndex(terms).join(' ')]);
      }
    });
    after = docs[docs.length - 1].id;
    rebuilt += docs.length;
  }
  await writeMeta(ds, 'fts_version', FTS_VERSION);
  return rebuilt;
}

/** Weight of the related-terms column against the text's own terms in BM25. */
const RELATED_WEIGHT = 0.3;

/**
 * BM25 over the terms (and, with expansion, query synonyms and the documents' related terms at a
 * lower weight), with time window, session and kind filters.
 */
export async function lexicalSearch(ds: DataSource, terms: readonly string[], expansion: QueryExpansion | undefined, filter: DocFilter, limit: number): Promise<LexicalHit[]> {
  if (terms.length === 0) return [];
  const expand = expansion !== undefined;
  const match = !expand
    ? `{terms} : (${ftsQuery(terms)})`
    : expansion.relatedOnly.length > 0
      ? `(${ftsQuery([...terms, ...expansion.anyColumn])}) OR {related} : (${ftsQuery(expansion.relatedOnly)})`
      : ftsQuery([...terms, ...expansion.anyColumn]);
  const where: string[] = ['memory_fts MATCH ?'];
  const params: unknown[] = [match];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filter.from) add('d.timestamp >= ?', filter.from);
  if (filter.to) add('d.timestamp <= ?', filter.to);
  if (filter.sessionId) add('d.session_id = ?', filter.sessionId);
  if (filter.kinds?.length) add(`d.kind IN (${filter.kinds.map(() => '?').join(', ')})`, ...filter.kinds);
  params.push(limit);
  const rows = await ds.query<Array<{ id: number; kind: DocKind; source_id: number; session_id: string | null; timestamp: string | null; speaker: MessageType; text: string; rank: number }>>(
    `SELECT d.id, d.kind, d.source_id, d.session_id, d.timestamp, d.speaker, d.text, bm25(memory_fts, 1.0, ${expand ? RELATED_WEIGHT : 0}) AS rank
     FROM memory_fts JOIN memory_docs d ON d.id = memory_fts.rowid WHERE ${where.join(' AND ')} ORDER BY rank LIMIT ?`,
    params,
  );
  return rows.map((r) => ({ docId: r.id, kind: r.kind, sourceId: r.source_id, sessionId: r.session_id, timestamp: r.timestamp, speaker: r.speaker, text: r.text, score: -r.rank }));
}

export interface QueuedDoc {
  readonly docId: number;
  readonly op: 'upsert' | 'delete';
  readonly kind: DocKind | null;
  readonly text: string | null;
  readonly timestamp: string | null;
  readonly sessionId: string | null;
}

/** The next documents waiting for the vector index, with their text (null when deleted). */
export async function nextVectorWork(ds: DataSource, limit: number): Promise<QueuedDoc[]> {
  const rows = await ds.query<Array<{ doc_id: number; op: 'upsert' | 'delete'; kind: DocKind | null; text: string | null; timestamp: string | null; session_id: string | null }>>(
    `SELECT q.doc_id, q.op, d.kind, d.text, d.timestamp, d.session_id FROM memory_vec_queue q LEFT JOIN memory_docs d ON d.id = q.doc_id ORDER BY q.doc_id LIMIT ?`,
    [limit],
  );
  return rows.map((r) => ({ docId: r.doc_id, op: r.kind === null ? 'delete' : r.op, kind: r.kind, text: r.text, timestamp: r.timestamp, sessionId: r.session_id }));
}

/** Removes finished work, unless the document was queued again meanwhile with another operation. */
export async function finishVectorWork(ds: DataSource, done: readonly QueuedDoc[]): Promise<void> {
  await ds.transaction(async (em) => {
    for (const d of done) await em.query(`DELETE FROM memory_vec_queue WHERE doc_id = ? AND op = ?`, [d.docId, d.op]);
  });
}

export async function vectorQueueSize(ds: DataSource): Promise<number> {
  return (await ds.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM memory_vec_queue`))[0].n;
}

/** Queues every document again (the embedding model changed). */
export async function requeueAllDocs(ds: DataSource): Promise<void> {
  await ds.query(`INSERT OR REPLACE INTO memory_vec_queue (doc_id, op) SELECT id, 'upsert' FROM memory_docs`);
}

export async function readMeta(ds: DataSource, key: string): Promise<string | undefined> {
  return (await ds.query<Array<{ value: string }>>(`SELECT value FROM memory_meta WHERE key = ?`, [key]))[0]?.value;
}

export async function writeMeta(ds: DataSource, key: string, value: string): Promise<void> {
  await ds.query(`INSERT OR REPLACE INTO memory_meta (key, value) VALUES (?, ?)`, [key, value]);
}

/** Documents by id (vector hits are resolved to text here). */
export async function docsByIds(ds: DataSource, ids: readonly number[]): Promise<Map<number, LexicalHit>> {
  if (ids.length === 0) return new Map();
  const rows = await ds.query<Array<{ id: number; kind: DocKind; source_id: number; session_id: string | null; timestamp: string | null; speaker: MessageType; text: string }>>(
    `SELECT id, kind, source_id, session_id, timestamp, speaker, text FROM memory_docs WHERE id IN (${ids.map(() => '?').join(', ')})`,
    [...ids],
  );
  return new Map(rows.map((r) => [r.id, { docId: r.id, kind: r.kind, sourceId: r.source_id, sessionId: r.session_id, timestamp: r.timestamp, speaker: r.speaker, text: r.text, score: 0 }]));
}
