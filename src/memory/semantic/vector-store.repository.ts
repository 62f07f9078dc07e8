import { join } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Connection, Table } from '@lancedb/lancedb';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import type { DocFilter, DocKind } from '../search/search-index.store';

export interface VectorRow {
  readonly docId: number;
  readonly kind: DocKind;
  readonly timestamp: string | null;
  readonly sessionId: string | null;
  readonly vector: Float32Array;
}

/** Below this many rows an exhaustive (exact) vector search is fast enough. */
const ANN_MIN_ROWS = 20_000;

/** SQL string literal for LanceDB filters: the one place values enter a filter. */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function vectorFilter(filter: DocFilter): string | undefined {
  const parts: string[] = [];
  if (filter.from) parts.push(`timestamp >= ${sqlLiteral(filter.from)}`);
  if (filter.to) parts.push(`timestamp <= ${sqlLiteral(filter.to)}`);
  if (filter.sessionId) parts.push(`session_id = ${sqlLiteral(filter.sessionId)}`);
  if (filter.kinds?.length) parts.push(`kind IN (${filter.kinds.map(sqlLiteral).join(', ')})`);
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/** Table name per embedding model, so that vectors of different models never mix. */
export function vectorTableName(modelId: string): string {
  return `docs__${modelId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * Semantic memory in LanceDB: `memory/semantic_memory_{L}/` (N.E.K.O.'s folder name), one row per
 * document (turn or summary) with its doc id, filter columns and vector. Only this file imports
 * LanceDB, and only when semantic memory is first used.
 */
@Injectable()
export class VectorStoreRepository implements OnModuleDestroy {
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly tables = new Map<string, Promise<Table | undefined>>();

  constructor(@Inject(DATA_FOLDER) private readonly folder: DataFolder) {}

  dir(name: string): string {
    return join(this.folder.memoryDir, `semantic_memory_${name}`);
  }

  private connection(name: string): Promise<Connection> {
    let c = this.connections.get(name);
    if (!c) {
      c = import('@lancedb/lancedb').then((lancedb) => lancedb.connect(this.dir(name)));
      this.connections.set(name, c);
    }
    return c;
  }

  private async table(name: string, modelId: string, dimensions?: number): Promise<Table | undefined> {
    const key = `${name}\n${modelId}`;
    let t = this.tables.get(key);
    if (!t || (dimensions !== undefined && !(await t))) {
      t = this.openOrCreate(name, modelId, dimensions);
      this.tables.set(key, t);
      t.catch(() => this.tables.delete(key));
    }
    return t;
  }

  private async openOrCreate(name: string, modelId: string, dimensions?: number): Promise<Table | undefined> {
    const conn = await this.connection(name);
    const tableName = vectorTableName(modelId);
    if ((await conn.tableNames()).includes(tableName)) return conn.openTable(tableName);
    if (dimensions === undefined) return undefined;
    const arrow = await import('apache-arrow');
    const schema = new arrow.Schema([
      new arrow.Field('doc_id', new arrow.Int32(), false),
      new arrow.Field('kind', new arrow.Utf8(), false),
      new arrow.Field('timestamp', new arrow.Utf8(), true),
      new arrow.Field('session_id', new arrow.Utf8(), true),
      new arrow.Field('vector', new arrow.FixedSizeList(dimensions, new arrow.Field('item', new arrow.Float32(), true)), false),
    ]);
    return conn.createEmptyTable(tableName, schema, { mode: 'create', existOk: true });
  }

  /** Replaces the vectors of these documents. */
  async upsert(name: string, modelId: string, rows: readonly VectorRow[]): Promise<void> {
    if (rows.length === 0) return;
    const table = await this.table(name, modelId, rows[0].vector.length);
    if (!table) return;
    await table.delete(`doc_id IN (${rows.map((r) => r.docId).join(', ')})`);
    await table.add(rows.map((r) => ({ doc_id: r.docId, kind: r.kind, timestamp: r.timestamp, session_id: r.sessionId, vector: Array.from(r.vector) })));
  }

  async remove(name: string, modelId: string, docIds: readonly number[]): Promise<void> {
    if (docIds.length === 0) return;
    const table = await this.table(name, modelId);
    await table?.delete(`doc_id IN (${docIds.map((id) => Math.trunc(id)).join(', ')})`);
  }

  /** Nearest documents by cosine distance (smaller is closer). */
  async search(name: string, modelId: string, vector: Float32Array, filter: DocFilter, limit: number): Promise<Array<{ docId: number; distance: number }>> {
    const table = await this.table(name, modelId);
    if (!table) return [];
    let q = table.vectorSearch(Array.from(vector)).distanceType('cosine').limit(limit).select(['doc_id', '_distance']);
    const where = vectorFilter(filter);
    if (where) q = q.where(where);
    const rows = (await q.toArray()) as Array<{ doc_id: number; _distance: number }>;
    return rows.map((r) => ({ docId: Number(r.doc_id), distance: r._distance }));
  }

  async count(name: string, modelId: string): Promise<number> {
    return (await (await this.table(name, modelId))?.countRows()) ?? 0;
  }

  /**
   * Large tables get an IVF-PQ index (approximate, fast); smaller ones are searched exhaustively,
   * which is exact and quick enough. Later additions are folded in by optimize().
   */
  async ensureIndex(name: string, modelId: string): Promise<boolean> {
    const table = await this.table(name, modelId);
    if (!table) return false;
    const rows = await table.countRows();
    if (rows < ANN_MIN_ROWS || (await table.listIndices()).some((i) => i.columns.includes('vector'))) return false;
    const { Index } = await import('@lancedb/lancedb');
    const dims = ((await table.schema()).fields.find((f) => f.name === 'vector')?.type as { listSize?: number } | undefined)?.listSize ?? 0;
    const numSubVectors = [32, 24, 16, 8, 4, 2, 1].find((n) => dims % n === 0 && dims / n >= 8) ?? 1;
    await table.createIndex('vector', { config: Index.ivfPq({ numPartitions: Math.max(8, Math.round(Math.sqrt(rows))), numSubVectors, distanceType: 'cosine' }) });
    return true;
  }

  /** Compacts small appends into larger files and drops old versions (keeps disk use bounded). */
  async optimize(name: string, modelId: string): Promise<void> {
    await (await this.table(name, modelId))?.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
  }

  close(name: string): void {
    for (const key of [...this.tables.keys()]) if (key.startsWith(`${name}\n`)) this.tables.delete(key);
    void this.connections.get(name)?.then((c) => c.close());
    this.connections.delete(name);
  }

  /** Like close(), but waits until the connection is closed (before the folder is renamed or removed). */
  async release(name: string): Promise<void> {
    const connection = this.connections.get(name);
    this.close(name);
    await connection?.then((c) => c.close()).catch(() => undefined);
  }

  onModuleDestroy(): void {
    for (const name of [...this.connections.keys()]) this.close(name);
  }
}
