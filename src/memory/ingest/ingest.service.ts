import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { deepEqual } from '../../shared/data/json-edit';
import { FactExtractor, normalise } from '../compression/fact-extractor.service';
import { HistoryCompressor, type Names } from '../compression/history-compressor.service';
import { KeyedMutex } from '../locks/keyed-mutex';
import { messageText, parseInputHistory, type ChatMessage } from '../messages/chat-message';
import { MAX_RECENT_MESSAGES, RecentMemoryRepository } from '../recent/recent-memory.repository';
import { ReviewService } from '../review/review.service';
import { WRITE_LOCKS } from '../review/write-locks.token';
import { SemanticIndexer } from '../semantic/semantic-indexer.service';
import { TimeIndexRepository } from '../time-index/time-index.repository';

export type IngestMode = 'process' | 'renew' | 'cache';

/**
 * Stores finished turns. Durable first: the recent file (atomic) and the time index (SQLite,
 * synchronous=FULL) are written before the call answers; compression, the session summary and
 * the review run afterwards in a per-character background queue, so a slow or missing LLM never
 * delays main and never loses a turn.
 */
@Injectable()
export class IngestService implements OnModuleDestroy {
  private readonly logger = new Logger(IngestService.name);
  private readonly background = new KeyedMutex();
  private readonly pending = new Set<Promise<unknown>>();
  /** Session id shared by /cache calls until the next /process or /renew closes the session. */
  private readonly openSessions = new Map<string, string>();

  constructor(
    @Inject(WRITE_LOCKS) private readonly locks: KeyedMutex,
    private readonly recent: RecentMemoryRepository,
    private readonly timeIndex: TimeIndexRepository,
    private readonly compressor: HistoryCompressor,
    private readonly review: ReviewService,
    private readonly characters: CharactersService,
    private readonly semantic: SemanticIndexer,
    private readonly facts: FactExtractor,
  ) {}

  /**
   * Parses and stores; throws InputHistoryError for a bad payload. Returns how many messages were
   * stored, or 'duplicate' when `deliveryId` (main's outbox) was stored before: nothing is
   * stored or scheduled again.
   */
  async ingest(name: string, inputHistory: unknown, mode: IngestMode, deliveryId?: string): Promise<number | 'duplicate'> {
    const messages = parseInputHistory(inputHistory);
    if (deliveryId !== undefined && (await this.timeIndex.hasDelivery(name, deliveryId))) return 'duplicate';
    let sessionId: string;
    if (messages.length > 0) {
      const stored = await this.locks.run(name, async () => {
        // Two copies of one delivery raced past the first check: the second changes nothing.
        if (deliveryId !== undefined && (await this.timeIndex.hasDelivery(name, deliveryId))) return undefined;
        const id = this.claimSession(name, mode);
        // The time index first: turns and delivery id commit together; a crash before the
        // recent file is written loses the short-term copy, never duplicates a retried delivery.
        await this.timeIndex.storeMessages(name, id, messages, new Date(), deliveryId);
        await this.recent.write(name, [...(await this.recent.read(name)), ...messages]);
        return id;
      });
      if (stored === undefined) return 'duplicate';
      sessionId = stored;
    } else sessionId = this.claimSession(name, mode);
    if (mode !== 'cache') await this.review.cancel(name);
    this.schedule(name, async () => {
      await this.semantic.catchUp(name);
      const names = await this.names(name);
      await this.compact(name, names, mode === 'renew');
      if (mode === 'cache') return;
      const session = await this.timeIndex.list(name, 'original', { sessionId, limit: 10_000 });
      const sessionMessages = session.entries.flatMap((e) => (e.message ? [e.message] : []));
      if (sessionMessages.length > 0) {
        const { summary } = await this.compressor.compress(sessionMessages, names, false);
        await this.timeIndex.storeSummary(name, sessionId, summary);
        const known = (await this.timeIndex.list(name, 'facts', { limit: 10_000 })).entries.map((e) => normalise(e.message ? messageText(e.message) : ''));
        await this.timeIndex.storeFacts(name, sessionId, await this.facts.extract(sessionMessages, names, new Set(known)));
        await this.semantic.catchUp(name);
      }
      await this.review.start(name);
    });
    return messages.length;
  }

  /** Resolves when every queued background job has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.review.cancelAll();
    await this.idle();
  }

  /** The open session's id (a new one if none): kept open by /cache, closed by /process and /renew. */
  private claimSession(name: string, mode: IngestMode): string {
    const sessionId = this.openSessions.get(name) ?? randomUUID();
    if (mode === 'cache') this.openSessions.set(name, sessionId);
    else this.openSessions.delete(name);
    return sessionId;
  }

  private schedule(name: string, job: () => Promise<void>): void {
    const run = this.background.run(name, job).catch((err: unknown) => this.logger.error(`background memory work for ${name} failed: ${(err as Error).message}`));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  private async names(name: string): Promise<Names> {
    return { name, master: (await this.characters.data()).masterName };
  }

  /**
   * Keeps recent_{L}.json at most 10 messages: everything but the newest 9 becomes one memo.
   * The model runs without the lock; the result is applied only if the compressed prefix is
   * still what is on disk (a user edit or a review in between wins, and we try again).
   */
  private async compact(name: string, names: Names, detailed: boolean): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const snapshot = await this.recent.read(name);
      if (snapshot.length <= MAX_RECENT_MESSAGES) return;
      const head = snapshot.slice(0, snapshot.length - (MAX_RECENT_MESSAGES - 1));
      const { memo } = await this.compressor.compress(head, names, detailed);
      const applied = await this.locks.run(name, async () => {
        const current = await this.recent.read(name);
        if (!deepEqual(current.slice(0, head.length), head)) return false;
        await this.recent.write(name, [memo, ...current.slice(head.length)] as ChatMessage[]);
        return true;
      });
      if (!applied) this.logger.debug(`recent memory of ${name} changed during compression; retrying`);
    }
  }
}
