import { EntitySchema } from 'typeorm';

/** A row of N.E.K.O.'s time-indexed tables (spec memory §3.2); column names are the original ones. */
export interface TimeIndexRow {
  id: number;
  session_id: string;
  /** JSON of `{"type", "data": {"content"}}` */
  message: string;
  /** Local time text `YYYY-MM-DD HH:MM:SS.ffffff` (what Python's sqlite3 adapter wrote). */
  timestamp: string | null;
}

function timeIndexSchema(table: string): EntitySchema<TimeIndexRow> {
  return new EntitySchema<TimeIndexRow>({
    name: table,
    tableName: table,
    columns: {
      id: { type: 'integer', primary: true, generated: 'increment' },
      session_id: { type: 'text', nullable: true },
      message: { type: 'text', nullable: true },
      // Kept as text on purpose: TypeORM's datetime conversion would turn local time into UTC.
      timestamp: { type: 'text', nullable: true },
    },
  });
}

export const ORIGINAL_TABLE = 'time_indexed_original';
export const COMPRESSED_TABLE = 'time_indexed_compressed';
export const TimeIndexedOriginal = timeIndexSchema(ORIGINAL_TABLE);
export const TimeIndexedCompressed = timeIndexSchema(COMPRESSED_TABLE);
/** Ours: durable facts about the user extracted at compression time, same columns as N.E.K.O.'s tables. */
export const FACTS_TABLE = 'memory_facts';
export const MemoryFacts = timeIndexSchema(FACTS_TABLE);
/** Ours: delivery ids main's outbox sent with /process, /renew and /cache (duplicate guard). */
export const DELIVERIES_TABLE = 'memory_deliveries';
