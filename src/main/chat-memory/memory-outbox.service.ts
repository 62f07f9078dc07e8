import { join } from 'node:path';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import { MemoryServerClient } from '../clients/peer-clients.module';
import { MemoryOutboxStore, OUTBOX_LIMITS, type OutboxKind, type OutboxLimits, type StoredEntry } from './memory-outbox.store';

export interface OutboxOptions {
  /** Folder of the pending files (default `<data root>/outbox/memory`). */
  readonly dir?: string;
  readonly limits?: OutboxLimits;
  /** First retry delay; doubled after each failed attempt up to maxRetryMs. */
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
  /** Time limit of one delivery (spec §8.2: 30 s). */
  readonly deliveryTimeoutMs?: number;
}

export const MEMORY_OUTBOX_OPTIONS = Symbol('MEMORY_OUTBOX_OPTIONS');

type Outcome = { kind: 'done' } | { kind: 'failed'; reason: string } | { kind: 'retry'; reason: string };

/** Longest wait for the last attempt at shutdown. */
const SHUTDOWN_WAIT_MS = 5000;

/** Answers that will never turn into `processed` when sent again. */
const PERMANENT_STATUSES = new Set([400, 413, 415, 422]);

/**
 * Delivers the outbox to the memory server: per character, strictly in the order written, one at
 * a time; retried with exponential back-off while the memory server is down or fails (network,
 * time-out, 5xx); an entry is removed only after `{"status":"processed"}`. Pending files are
 * picked up at start-up; at shutdown one last attempt is made and whatever is left stays on disk.
 * Folder `<data root>/outbox/memory/` (refused reports in `failed/`); at most 10,000 pending
 * reports / 200 MB (OUTBOX_LIMITS): beyond that the newest report is refused with a logged error
 * and the turn log keeps it for its next report. Retries: 0.5 s doubling to 30 s.
 */
@Injectable()
export class MemoryOutboxService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MemoryOutboxService.name);
  readonly store: MemoryOutboxStore;
  private readonly queues = new Map<string, StoredEntry[]>();
  private readonly workers = new Map<string, Promise<void>>();
  private readonly sleepers = new Map<string, () => void>();
  private readonly retryMs = new Map<string, number>();
  /** Per character, the last append in progress: appends run one after another (seq order = queue order). */
  private readonly appends = new Map<string, Promise<unknown>>();
  private opened: Promise<void> | undefined;
  private stopping = false;
  private readonly firstRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly deliveryTimeoutMs: number;

  constructor(
    @Inject(DATA_FOLDER) folder: DataFolder,
    private readonly client: MemoryServerClient,
    @Optional() @Inject(MEMORY_OUTBOX_OPTIONS) options: OutboxOptions = {},
  ) {
    this.store = new MemoryOutboxStore(options.dir ?? join(folder.root, 'outbox', 'memory'), options.limits ?? OUTBOX_LIMITS);
    this.firstRetryMs = options.firstRetryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 30_000;
  }

  /** main starts even when the outbox folder cannot be read; the next report tries again. */
  async onModuleInit(): Promise<void> {
    try {
      await this.open();
    } catch (err) {
      this.logger.error(`memory outbox ${this.store.dir} unusable: ${(err as Error).message}`);
    }
  }

  /** Loads the pending files (once) and starts delivering them. */
  open(): Promise<void> {
    this.opened ??= this.store.open().then(
      (entries) => {
        if (entries.length > 0) this.logger.log(`${entries.length} memory report(s) pending from an earlier run`);
        for (const entry of entries) this.push(entry);
      },
      (err: unknown) => {
        this.opened = undefined;
        throw err;
      },
    );
    return this.opened;
  }

  /**
   * Writes the report to disk (durable when this resolves) and queues it. Throws OutboxFullError /
   * I/O errors. Reports of one character are written one after another, so a large report begun
   * first is also queued (and delivered) first.
   */
  enqueue(lanlanName: string, kind: OutboxKind, inputHistory: string): Promise<StoredEntry> {
    const previous = this.appends.get(lanlanName) ?? Promise.resolve();
    const run = previous.then(async () => {
      await this.open();
      const entry = await this.store.append(lanlanName, kind, inputHistory);
      this.push(entry);
      return entry;
    });
    // The chain goes on after a failed append; the caller gets that failure.
    const link = run.then(
      () => undefined,
      () => undefined,
    );
    this.appends.set(lanlanName, link);
    void link.then(() => {
      if (this.appends.get(lanlanName) === link) this.appends.delete(lanlanName);
    });
    return run;
  }

  /** Entries not delivered yet (all characters, or one). */
  pending(lanlanName?: string): number {
    if (lanlanName !== undefined) return this.queues.get(lanlanName)?.length ?? 0;
    return [...this.queues.values()].reduce((n, q) => n + q.length, 0);
  }

  /** Retries now instead of after the back-off (memory server back, tests, shutdown). */
  wake(): void {
    for (const name of this.retryMs.keys()) this.retryMs.set(name, this.firstRetryMs);
    for (const wake of [...this.sleepers.values()]) wake();
  }

  /** Retries everything now and resolves once all of it is delivered (or moved aside). */
  async flush(timeoutMs = 30_000): Promise<void> {
    this.wake();
    await this.idle(timeoutMs);
  }

  /**
   * Waits until every report of `lanlanName` written or being written so far is delivered (or
   * moved aside), retrying now; false when that did not happen within timeoutMs (e.g. before a
   * rename, so that no report is delivered under the old name afterwards).
   */
  async flushFor(lanlanName: string, timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const tick = () => new Promise((r) => setTimeout(r, 20).unref());
    this.retryMs.set(lanlanName, this.firstRetryMs);
    this.sleepers.get(lanlanName)?.();
    while (this.appends.has(lanlanName) || this.pending(lanlanName) > 0 || this.workers.has(lanlanName)) {
      if (Date.now() > deadline) return false;
      await Promise.race([Promise.allSettled([this.appends.get(lanlanName), this.workers.get(lanlanName)]), tick()]);
    }
    return true;
  }

  /** Resolves when every queue is empty (rejects after timeoutMs). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending() > 0 || this.workers.size > 0) {
      if (Date.now() > deadline) throw new Error(`memory outbox not delivered within ${timeoutMs} ms (${this.pending()} pending)`);
      await Promise.race([Promise.allSettled([...this.workers.values()]), new Promise((r) => setTimeout(r, 20))]);
    }
  }

  /** Stops retrying: one last immediate attempt per character; what is left stays on disk for the next start. */
  async onModuleDestroy(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake();
    // An attempt already on the wire may wait for its time-out; the files stay either way.
    await Promise.race([Promise.allSettled([...this.workers.values()]), new Promise((r) => setTimeout(r, SHUTDOWN_WAIT_MS).unref())]);
    const left = this.pending();
    if (left > 0) this.logger.warn(`${left} memory report(s) kept in ${this.store.dir} for the next start`);
  }

  private push(entry: StoredEntry): void {
    const queue = this.queues.get(entry.lanlanName) ?? [];
    queue.push(entry);
    this.queues.set(entry.lanlanName, queue);
    this.kick(entry.lanlanName);
  }

  /** One worker per character; restarted when an entry arrived just as the last one finished. */
  private kick(name: string): void {
    if (this.workers.has(name) || this.stopping) return;
    const worker = this.work(name).finally(() => {
      this.workers.delete(name);
      if (this.pending(name) > 0) this.kick(name);
    });
    this.workers.set(name, worker);
  }

  private async work(name: string): Promise<void> {
    const queue = this.queues.get(name) ?? [];
    while (queue.length > 0) {
      const entry = queue[0];
      const outcome = await this.deliver(entry);
      try {
        if (outcome.kind === 'done') await this.store.remove(entry);
        else if (outcome.kind === 'failed') {
          await this.store.fail(entry, outcome.reason);
          this.logger.error(`memory report ${entry.deliveryId} of ${name} refused for good (${outcome.reason}); kept in ${this.store.failedDir}`);
        }
      } catch (err) {
        this.logger.error(`memory outbox file ${entry.file}: ${(err as Error).message}`);
      }
      if (outcome.kind !== 'retry') {
        queue.shift();
        this.retryMs.delete(name);
        continue;
      }
      if (this.stopping) return;
      const delay = this.retryMs.get(name) ?? this.firstRetryMs;
      this.retryMs.set(name, Math.min(delay * 2, this.maxRetryMs));
      const note = `memory report of ${name} not delivered (${outcome.reason}); retrying in ${delay} ms`;
      // Once per outage at warn level; the retries that follow at debug.
      if (delay === this.firstRetryMs) this.logger.warn(note);
      else this.logger.debug(note);
      await this.sleep(name, delay);
    }
  }

  private sleep(name: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(name);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.sleepers.set(name, done);
    });
  }

  private async deliver(entry: StoredEntry): Promise<Outcome> {
    let res;
    try {
      res = await this.client.request<{ status?: unknown; message?: unknown }>(`/${entry.kind}/${encodeURIComponent(entry.lanlanName)}`, {
        method: 'POST',
        body: entry.body,
        timeoutMs: this.deliveryTimeoutMs,
      });
    } catch (err) {
      return { kind: 'retry', reason: (err as Error).message };
    }
    const status = res.json?.status;
    if (res.ok && status === 'processed') return { kind: 'done' };
    if (res.ok && status === 'error') return { kind: 'failed', reason: `memory server: ${typeof res.json?.message === 'string' ? res.json.message : 'error'}` };
    if (PERMANENT_STATUSES.has(res.status)) return { kind: 'failed', reason: `HTTP ${res.status}: ${res.text.slice(0, 300)}` };
    return { kind: 'retry', reason: `HTTP ${res.status}: ${res.text.slice(0, 120)}` };
  }
}
