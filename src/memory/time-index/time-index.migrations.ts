import type { MigrationInterface, QueryRunner } from 'typeorm';
import { COMPRESSED_TABLE, DELIVERIES_TABLE, ORIGINAL_TABLE } from './time-index.entity';

const TABLES = [ORIGINAL_TABLE, COMPRESSED_TABLE];

/** The two tables as LangChain's SQLChatMessageHistory created them; an existing N.E.K.O. file keeps its own. */
export class CreateTimeIndexTables1764000000000 implements MigrationInterface {
  name = 'CreateTimeIndexTables1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await runner.query(`CREATE TABLE IF NOT EXISTS "${table}" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "session_id" TEXT, "message" TEXT)`);
    }
  }

  async down(): Promise<void> {
    // Never drop a user's history.
  }
}

/** N.E.K.O.'s own migration: `timestamp DATETIME` on both tables when the original table lacks it. */
export class AddTimestampColumn1764000000001 implements MigrationInterface {
  name = 'AddTimestampColumn1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      const columns = (await runner.query(`PRAGMA table_info("${table}")`)) as Array<{ name: string }>;
      if (!columns.some((c) => c.name === 'timestamp')) await runner.query(`ALTER TABLE "${table}" ADD COLUMN "timestamp" DATETIME`);
    }
  }

  async down(): Promise<void> {
    // Columns stay.
  }
}

/** Indexes for time-range and session queries (ours; harmless to N.E.K.O.). */
export class AddTimeIndexIndexes1764000000002 implements MigrationInterface {
  name = 'AddTimeIndexIndexes1764000000002';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await runner.query(`CREATE INDEX IF NOT EXISTS "idx_${table}_timestamp" ON "${table}" ("timestamp")`);
      await runner.query(`CREATE INDEX IF NOT EXISTS "idx_${table}_session" ON "${table}" ("session_id")`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await runner.query(`DROP INDEX IF EXISTS "idx_${table}_timestamp"`);
      await runner.query(`DROP INDEX IF EXISTS "idx_${table}_session"`);
    }
  }
}


/**
 * Our recall index in the same file: one document per turn/summary (memory_docs) and a contentless
 * FTS5 table of pre-tokenised terms (jieba / Porter2) ranked with BM25. N.E.K.O.'s tables are untouched.
 */
export class AddSearchIndex1764000000003 implements MigrationInterface {
  name = 'AddSearchIndex1764000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE IF NOT EXISTS "memory_docs" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "kind" TEXT NOT NULL, "source_id" INTEGER NOT NULL, "session_id" TEXT, "timestamp" TEXT, "speaker" TEXT NOT NULL, "text" TEXT NOT NULL)`,
    );
    await runner.query(`CREATE UNIQUE INDEX IF NOT EXISTS "idx_memory_docs_source" ON "memory_docs" ("kind", "source_id")`);
    await runner.query(`CREATE INDEX IF NOT EXISTS "idx_memory_docs_timestamp" ON "memory_docs" ("timestamp")`);
    await runner.query(`CREATE VIRTUAL TABLE IF NOT EXISTS "memory_fts" USING fts5("terms", content='', contentless_delete=1)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "memory_fts"`);
    await runner.query(`DROP TABLE IF EXISTS "memory_docs"`);
  }
}

/**
 * Work list for the vector index (LanceDB lives outside SQLite): every new, edited or deleted
 * document is queued in the same transaction as the change, so vectors catch up after a crash.
 */
export class AddVectorQueue1764000000004 implements MigrationInterface {
  name = 'AddVectorQueue1764000000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE IF NOT EXISTS "memory_vec_queue" ("doc_id" INTEGER PRIMARY KEY, "op" TEXT NOT NULL)`);
    await runner.query(`CREATE TABLE IF NOT EXISTS "memory_meta" ("key" TEXT PRIMARY KEY, "value" TEXT)`);
    await runner.query(`INSERT OR IGNORE INTO "memory_vec_queue" ("doc_id", "op") SELECT "id", 'upsert' FROM "memory_docs"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "memory_vec_queue"`);
    await runner.query(`DROP TABLE IF EXISTS "memory_meta"`);
  }
}

/** Second FTS column for related words (WordNet); terms are re-derived by rebuildTermsIfNeeded. */
export class AddRelatedTermsColumn1764000000005 implements MigrationInterface {
  name = 'AddRelatedTermsColumn1764000000005';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "memory_fts"`);
    await runner.query(`CREATE VIRTUAL TABLE "memory_fts" USING fts5("terms", "related", content='', contentless_delete=1)`);
    await runner.query(`DELETE FROM "memory_meta" WHERE "key" = 'fts_version'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "memory_fts"`);
    await runner.query(`CREATE VIRTUAL TABLE "memory_fts" USING fts5("terms", content='', contentless_delete=1)`);
  }
}

/** Facts the summary model extracted about the user, recalled as memories of their own. */
export class AddFactsTable1764000000006 implements MigrationInterface {
  name = 'AddFactsTable1764000000006';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE IF NOT EXISTS "memory_facts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "session_id" TEXT, "message" TEXT, "timestamp" TEXT)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "memory_facts"`);
  }
}

/**
 * main's delivery ids (its durable outbox retries until answered): a repeated id is answered
 * without storing again. Recorded in the same transaction as the turns it delivered.
 */
export class AddDeliveriesTable1764000000007 implements MigrationInterface {
  name = 'AddDeliveriesTable1764000000007';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE IF NOT EXISTS "${DELIVERIES_TABLE}" ("delivery_id" TEXT PRIMARY KEY, "session_id" TEXT, "timestamp" TEXT)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "${DELIVERIES_TABLE}"`);
  }
}

export const TIME_INDEX_MIGRATIONS = [
  CreateTimeIndexTables1764000000000,
  AddTimestampColumn1764000000001,
  AddTimeIndexIndexes1764000000002,
  AddSearchIndex1764000000003,
  AddVectorQueue1764000000004,
  AddRelatedTermsColumn1764000000005,
  AddFactsTable1764000000006,
  AddDeliveriesTable1764000000007,
];
