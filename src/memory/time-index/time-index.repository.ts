import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import { fromStoredDict, toCompactDict, type ChatMessage } from '../messages/chat-message';
import { localTimestamp, parseLocalTimestamp } from './local-time';
import { COMPRESSED_TABLE, DELIVERIES_TABLE, FACTS_TABLE, MemoryFacts, ORIGINAL_TABLE, TimeIndexedCompressed, TimeIndexedOriginal, type TimeIndexRow } from './time-index.entity';
import { TIME_INDEX_MIGRATIONS } from './time-index.migrations';
import { NO_EXPANSION, RelatednessLexicon, type Expansion } from '../relatedness/relatedness.lexicon';
import { rebuildTermsIfNeeded, backfillDocs, docFromMessage, indexDocs, lexicalSearch, removeDocs, type DocFilter, type DocKind, type LexicalHit } from '../search/search-index.store';

export type TimeIndexTable = 'original' | 'compressed' | 'facts';

export interface StoredEntry {
  readonly id: number;
  readonly sessionId: string;
  readonly timestamp: string | null;
  readonly message: ChatMessage | undefined;
}

export interface EntryQuery {
  readonly from?: Date;
  readonly to?: Date;
  readonly sessionId?: string;
  readonly limit?: number;
  readonly offset?: number;
  /** Newest first when true (default: oldest first). */
  readonly newestFirst?: boolean;
}

const TABLE_NAME: Readonly<Record<TimeIndexTable, string>> = { original: ORIGINAL_TABLE, compressed: COMPRESSED_TABLE, facts: FACTS_TABLE };
const DOC_KIND: Readonly<Record<TimeIndexTable, DocKind>> = { original: 'original', compressed: 'summary', facts: 'fact' };

/**
 * `time_indexed_{L}` SQLite files (no extension), one per character, through TypeORM on
 * better-sqlite3: WAL, synchronous=FULL (an acknowledged turn survives a crash), migrations
 * instead of synchronize. An existing N.E.K.O. file is opened and extended in place.
 */
@Injectable()
export class TimeIndexRepository implements OnModuleDestroy {
  private readonly logger = new Logger(TimeIndexRepository.name);
  private readonly sources = new Map<string, Promise<DataSource>>();

  constructor(
    @Inject(DATA_FOLDER) private readonly folder: DataFolder,
    @Optional() @Inject(RelatednessLexicon) private readonly expansion: Expansion = NO_EXPANSION,
  ) {}

  path(name: string): string {
    return join(this.folder.memoryDir, `time_indexed_${name}`);
  }

  exists(name: string): boolean {
    return existsSync(this.path(name));
  }

  /** The character's DataSource, opened (and migrated) once. */
  dataSource(name: string): Promise<DataSource> {
    let source = this.sources.get(name);
    if (!source) {
      source = this.open(name);
      this.sources.set(name, source);
      source.catch(() => this.sources.delete(name));
    }
    return source;
  }

  private async open(name: string): Promise<DataSource> {
    const ds = new DataSource({
      type: 'better-sqlite3',
      database: this.path(name),
      entities: [TimeIndexedOriginal, TimeIndexedCompressed, MemoryFacts],
      migrations: TIME_INDEX_MIGRATIONS,
      migrationsRun: true,
      migrationsTransactionMode: 'each',
      synchronize: false,
      logging: false,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.pragma('busy_timeout = 5000');
      },
    });
    await ds.initialize();
    const rebuilt = await rebuildTermsIfNeeded(ds, this.expansion);
    if (rebuilt > 0) this.logger.log(`rebuilt the recall terms of ${rebuilt} memories of ${name}`);
    const indexed = await backfillDocs(ds, this.expansion);
    if (indexed > 0) this.logger.log(`indexed ${indexed} earlier memories of ${name} for recall`);
    return ds;
  }

  /**
   * Inserts one call's messages with one session id and one timestamp, in one transaction; with
   * a `deliveryId` (main's outbox) the id is recorded in that same transaction, so the turns and
   * the "already delivered" mark are stored together or not at all.
   */
  async storeMessages(name: string, sessionId: string, messages: readonly ChatMessage[], at = new Date(), deliveryId?: string): Promise<number[]> {
    if (messages.length === 0 && deliveryId === undefined) return [];
    const ds = await this.dataSource(name);
    const timestamp = localTimestamp(at);
    const rows = messages.map((m) => ({ session_id: sessionId, message: JSON.stringify(toCompactDict(m)), timestamp }));
    return ds.transaction(async (em) => {
      if (deliveryId !== undefined) await em.query(`INSERT INTO "${DELIVERIES_TABLE}" ("delivery_id", "session_id", "timestamp") VALUES (?, ?, ?)`, [deliveryId, sessionId, timestamp]);
      if (rows.length === 0) return [];
      const result = await em.createQueryBuilder().insert().into(ORIGINAL_TABLE).values(rows).execute();
      const ids = result.identifiers.map((i) => Number(i.id));
      await indexDocs(em, messages.map((m, i) => docFromMessage('original', ids[i], sessionId, timestamp, m)), this.expansion);
      return ids;
    });
  }

  /** Whether main's outbox already delivered this id for the character (stored with its turns). */
  async hasDelivery(name: string, deliveryId: string): Promise<boolean> {
    if (!this.exists(name)) return false;
    const ds = await this.dataSource(name);
    const rows = await ds.query<unknown[]>(`SELECT 1 FROM "${DELIVERIES_TABLE}" WHERE "delivery_id" = ?`, [deliveryId]);
    return rows.length > 0;
  }

  /** One summary row for a session (a SystemMessage holding the bare summary, as N.E.K.O. stores it). */
  async storeSummary(name: string, sessionId: string, summary: string, at = new Date()): Promise<number> {
    const ds = await this.dataSource(name);
    const memo: ChatMessage = { type: 'system', content: summary };
    const timestamp = localTimestamp(at);
    return ds.transaction(async (em) => {
      const result = await em.createQueryBuilder().insert().into(COMPRESSED_TABLE).values({ session_id: sessionId, message: JSON.stringify(toCompactDict(memo)), timestamp }).execute();
      const id = Number(result.identifiers[0].id);
      await indexDocs(em, [docFromMessage('summary', id, sessionId, timestamp, memo)], this.expansion);
      return id;
    });
  }

  /** Facts about the user from one session (each a SystemMessage), indexed for recall. */
  async storeFacts(name: string, sessionId: string, facts: readonly string[], at = new Date()): Promise<number[]> {
    if (facts.length === 0) return [];
    const ds = await this.dataSource(name);
    const timestamp = localTimestamp(at);
    return ds.transaction(async (em) => {
      const ids: number[] = [];
      for (const fact of facts) {
        const memo: ChatMessage = { type: 'system', content: fact };
        const result = await em.createQueryBuilder().insert().into(FACTS_TABLE).values({ session_id: sessionId, message: JSON.stringify(toCompactDict(memo)), timestamp }).execute();
        const id = Number(result.identifiers[0].id);
        await indexDocs(em, [docFromMessage('fact', id, sessionId, timestamp, memo)], this.expansion);
        ids.push(id);
      }
      return ids;
    });
  }

  /** MAX(timestamp) of the original table (V1 get_last_conversation_time). */
  async lastConversationTime(name: string): Promise<Date | undefined> {
    if (!this.exists(name)) return undefined;
    const ds = await this.dataSource(name);
    const rows = await ds.query<Array<{ last: string | null }>>(`SELECT MAX("timestamp") AS last FROM "${ORIGINAL_TABLE}"`);
    return parseLocalTimestamp(rows[0]?.last);
  }

  async list(name: string, table: TimeIndexTable, query: EntryQuery = {}): Promise<{ total: number; entries: StoredEntry[] }> {
    if (!this.exists(name)) return { total: 0, entries: [] };
    const ds = await this.dataSource(name);
    const qb = ds.createQueryBuilder().select(['t.id AS id', 't.session_id AS session_id', 't.message AS message', 't.timestamp AS timestamp']).from(TABLE_NAME[table], 't');
    if (query.from) qb.andWhere('t.timestamp >= :from', { from: localTimestamp(query.from) });
    if (query.to) qb.andWhere('t.timestamp <= :to', { to: localTimestamp(query.to) });
    if (query.sessionId) qb.andWhere('t.session_id = :sid', { sid: query.sessionId });
    const total = await qb.clone().getCount();
    const dir = query.newestFirst ? 'DESC' : 'ASC';
    qb.orderBy('t.timestamp', dir).addOrderBy('t.id', dir).limit(query.limit ?? 100).offset(query.offset ?? 0);
    const rows = await qb.getRawMany<TimeIndexRow>();
    return { total, entries: rows.map(toEntry) };
  }

  async get(name: string, table: TimeIndexTable, id: number): Promise<StoredEntry | undefined> {
    if (!this.exists(name)) return undefined;
    const ds = await this.dataSource(name);
    const rows = await ds.query<TimeIndexRow[]>(`SELECT id, session_id, message, timestamp FROM "${TABLE_NAME[table]}" WHERE id = ?`, [id]);
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  async updateMessage(name: string, table: TimeIndexTable, id: number, message: ChatMessage): Promise<boolean> {
    const ds = await this.dataSource(name);
    return ds.transaction(async (em) => {
      const result = await em.createQueryBuilder().update(TABLE_NAME[table]).set({ message: JSON.stringify(toCompactDict(message)) }).where('id = :id', { id }).execute();
      if ((result.affected ?? 0) === 0) return false;
      const row = (await em.query<TimeIndexRow[]>(`SELECT id, session_id, message, timestamp FROM "${TABLE_NAME[table]}" WHERE id = ?`, [id]))[0];
      await indexDocs(em, [docFromMessage(DOC_KIND[table], id, row.session_id, row.timestamp, message)], this.expansion);
      return true;
    });
  }

  async delete(name: string, table: TimeIndexTable, ids: readonly number[]): Promise<number> {
    if (ids.length === 0 || !this.exists(name)) return 0;
    const ds = await this.dataSource(name);
    return ds.transaction(async (em) => {
      const result = await em.createQueryBuilder().delete().from(TABLE_NAME[table]).where('id IN (:...ids)', { ids: [...ids] }).execute();
      await removeDocs(em, DOC_KIND[table], ids);
      return result.affected ?? 0;
    });
  }

  /** Re-derives every document's recall terms (after a tokenizer or lexicon change, or on request). */
  async rebuildTerms(name: string): Promise<void> {
    if (!this.exists(name)) return;
    const ds = await this.dataSource(name);
    await ds.query(`DELETE FROM memory_meta WHERE key = 'fts_version'`);
    await rebuildTermsIfNeeded(ds, this.expansion);
  }

  /** BM25 recall over this character's turns and summaries. */
  async searchLexical(name: string, terms: readonly string[], filter: DocFilter, limit: number, expand = true, extraTerms: readonly string[] = []): Promise<LexicalHit[]> {
    if (!this.exists(name)) return [];
    const expansion = expand ? this.expansion.forQuery(terms) : undefined;
    const withExtra = expansion && { ...expansion, anyColumn: [...expansion.anyColumn, ...extraTerms.filter((t) => !terms.includes(t))] };
    return lexicalSearch(await this.dataSource(name), terms, withExtra, filter, limit);
  }

  /** Closes a character's file (before it is renamed or removed). */
  async close(name: string): Promise<void> {
    const source = this.sources.get(name);
    this.sources.delete(name);
    if (source) await (await source).destroy();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.sources.keys()].map((n) => this.close(n).catch(() => undefined)));
  }
}

function toEntry(row: TimeIndexRow): StoredEntry {
  let message: ChatMessage | undefined;
  try {
    message = fromStoredDict(JSON.parse(row.message));
  } catch {
    message = undefined;
  }
  return { id: Number(row.id), sessionId: row.session_id, timestamp: row.timestamp, message };
}
