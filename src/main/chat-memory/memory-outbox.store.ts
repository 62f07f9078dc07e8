import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTempFiles, writeFileAtomic } from '../../shared/data/atomic-file';

export type OutboxKind = 'renew' | 'process';

/** One report for the memory server, as it is kept on disk until the memory server stored it. */
export interface OutboxEntry {
  readonly version: 1;
  /** Order of writing (FIFO per character); also the start of the file name. */
  readonly seq: number;
  readonly deliveryId: string;
  readonly lanlanName: string;
  readonly kind: OutboxKind;
  readonly createdAt: string;
  /** The exact JSON body POSTed to `/<kind>/<name>`. */
  readonly body: { readonly input_history: string; readonly delivery_id: string };
}

export interface StoredEntry extends OutboxEntry {
  readonly file: string;
  readonly bytes: number;
}

export interface OutboxLimits {
  /** Most pending entries; a report beyond it is refused (the oldest are kept). */
  readonly maxEntries: number;
  /** Most bytes of pending entries together. */
  readonly maxBytes: number;
}

export const OUTBOX_LIMITS: OutboxLimits = { maxEntries: 10_000, maxBytes: 200 * 1024 * 1024 };

/** The outbox is full: the new report was not written (the pending ones are kept). */
export class OutboxFullError extends Error {
  override readonly name = 'OutboxFullError';
}

const failure = (reason: string) => ({ reason, at: new Date().toISOString() });

const ENTRY_FILE = /^(\d{16})-([A-Za-z0-9-]{1,64})\.json$/;

function isEntry(raw: unknown): raw is OutboxEntry {
  const e = raw as Partial<OutboxEntry> | null;
  return (
    !!e && e.version === 1 && typeof e.seq === 'number' && typeof e.deliveryId === 'string' && typeof e.lanlanName === 'string' &&
    (e.kind === 'renew' || e.kind === 'process') && typeof e.body?.input_history === 'string' && e.body.delivery_id === e.deliveryId
  );
}

/**
 * main's durable outbox for the memory server: one JSON file per report
 * (`<seq>-<delivery id>.json`, written atomically and fsync-ed), removed once delivered; reports
 * the memory server will never accept are moved to `failed/` with the reason. Bounded by
 * OutboxLimits (entries and bytes).
 */
export class MemoryOutboxStore {
  readonly failedDir: string;
  private lastSeq = 0;
  private count = 0;
  private bytes = 0;

  constructor(
    readonly dir: string,
    private readonly limits: OutboxLimits = OUTBOX_LIMITS,
  ) {
    this.failedDir = join(dir, 'failed');
  }

  /** Creates the folders, sweeps dead writers' temp files and returns the pending entries oldest first. */
  async open(): Promise<StoredEntry[]> {
    await fs.mkdir(this.failedDir, { recursive: true });
    await removeStaleTempFiles(this.dir);
    await removeStaleTempFiles(this.failedDir);
    const failed = new Set(await fs.readdir(this.failedDir));
    const entries: StoredEntry[] = [];
    for (const file of (await fs.readdir(this.dir)).filter((f) => ENTRY_FILE.test(f)).sort()) {
      const path = join(this.dir, file);
      // Moved to failed/ but not yet removed here when the process stopped.
      if (failed.has(file)) {
        await fs.rm(path, { force: true });
        continue;
      }
      let text: string;
      try {
        text = await fs.readFile(path, 'utf8');
      } catch {
        continue; // not a readable file (a folder of that name, no permission): left alone
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        raw = undefined;
      }
      if (!isEntry(raw)) {
        await this.moveAside(file, JSON.stringify({ raw: text, failure: failure('unreadable outbox file') }));
        continue;
      }
      entries.push({ ...raw, file, bytes: Buffer.byteLength(text) });
    }
    const failedSeqs = [...failed].map((f) => Number(ENTRY_FILE.exec(f)?.[1] ?? 0));
    this.lastSeq = [...failedSeqs, ...entries.map((e) => e.seq)].reduce((a, b) => Math.max(a, b), this.lastSeq);
    this.count = entries.length;
    this.bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
    return entries;
  }

  /** Writes a report durably (before this resolves). Throws OutboxFullError beyond the limits. */
  async append(lanlanName: string, kind: OutboxKind, inputHistory: string, at = new Date()): Promise<StoredEntry> {
    const deliveryId = randomUUID();
    const seq = Math.max(this.lastSeq + 1, at.getTime() * 1000);
    const entry: OutboxEntry = { version: 1, seq, deliveryId, lanlanName, kind, createdAt: at.toISOString(), body: { input_history: inputHistory, delivery_id: deliveryId } };
    const text = JSON.stringify(entry);
    const size = Buffer.byteLength(text);
    if (this.count + 1 > this.limits.maxEntries || this.bytes + size > this.limits.maxBytes) {
      throw new OutboxFullError(`memory outbox full (${this.count} entries, ${this.bytes} bytes; limits ${this.limits.maxEntries} / ${this.limits.maxBytes}): report of ${lanlanName} (${size} bytes) refused`);
    }
    this.lastSeq = seq;
    const file = `${String(seq).padStart(16, '0')}-${deliveryId}.json`;
    // Counted before the write so that concurrent reports cannot pass the limits together.
    this.count++;
    this.bytes += size;
    try {
      await writeFileAtomic(join(this.dir, file), text);
    } catch (err) {
      this.forget({ bytes: size });
      throw err;
    }
    return { ...entry, file, bytes: size };
  }

  /**
   * The memory server stored it. Out of the count even when the file cannot be removed (the
   * caller drops the entry either way; a file left over is delivered again at the next start,
   * and the memory server stores it once).
   */
  async remove(entry: StoredEntry): Promise<void> {
    try {
      await fs.rm(join(this.dir, entry.file), { force: true });
    } finally {
      this.forget(entry);
    }
  }

  /** It will never be accepted: kept in failed/ with the reason, out of the delivery queue (and the count, as remove). */
  async fail(entry: StoredEntry, reason: string): Promise<void> {
    const { file, bytes, ...stored } = entry;
    try {
      await this.moveAside(file, JSON.stringify({ ...stored, failure: failure(reason) }));
    } finally {
      this.forget({ bytes });
    }
  }

  stats(): { entries: number; bytes: number } {
    return { entries: this.count, bytes: this.bytes };
  }

  private forget(entry: Pick<StoredEntry, 'bytes'>): void {
    this.count = Math.max(0, this.count - 1);
    this.bytes = Math.max(0, this.bytes - entry.bytes);
  }

  private async moveAside(file: string, content: string): Promise<void> {
    await writeFileAtomic(join(this.failedDir, file), content);
    await fs.rm(join(this.dir, file), { force: true });
  }
}
