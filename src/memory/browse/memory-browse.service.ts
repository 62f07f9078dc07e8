import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { KeyedMutex } from '../locks/keyed-mutex';
import { messageText, type ChatMessage, type MessageType } from '../messages/chat-message';
import { RecentMemoryRepository } from '../recent/recent-memory.repository';
import { ReviewService } from '../review/review.service';
import { WRITE_LOCKS } from '../review/write-locks.token';
import { SemanticIndexer } from '../semantic/semantic-indexer.service';
import { TimeIndexRepository, type EntryQuery, type StoredEntry, type TimeIndexTable } from '../time-index/time-index.repository';

const ITEM: Readonly<Record<TimeIndexTable, string>> = { original: 'turn', compressed: 'summary', facts: 'fact' };

export interface MemoryItem {
  readonly id: number;
  readonly sessionId: string;
  readonly timestamp: string | null;
  readonly type: MessageType | null;
  readonly speaker: string | null;
  readonly text: string;
}

/**
 * The user-facing side of memory: browse, correct and forget every layer (recent file, turns,
 * summaries). Edits go through the same per-character lock as the server's own writes, and each
 * change re-indexes the affected memory (terms at once, vectors in the background).
 */
@Injectable()
export class MemoryBrowseService {
  constructor(
    @Inject(WRITE_LOCKS) private readonly locks: KeyedMutex,
    private readonly recent: RecentMemoryRepository,
    private readonly timeIndex: TimeIndexRepository,
    private readonly semantic: SemanticIndexer,
    private readonly review: ReviewService,
    private readonly characters: CharactersService,
  ) {}

  private async labels(name: string): Promise<Record<MessageType, string>> {
    return { human: (await this.characters.data()).masterName, ai: name, system: 'SYSTEM_MESSAGE' };
  }

  async recentEntries(name: string): Promise<Array<{ index: number; type: MessageType; speaker: string; text: string }>> {
    const label = await this.labels(name);
    return (await this.recent.read(name)).map((m, index) => ({ index, type: m.type, speaker: label[m.type], text: messageText(m) }));
  }

  /** Replaces the whole recent file (the memory browser's save); a running review is cancelled first. */
  async replaceRecent(name: string, entries: ReadonlyArray<{ type: MessageType; text: string }>): Promise<void> {
    await this.review.cancel(name);
    await this.locks.run(name, () => this.recent.write(name, entries.map((e) => ({ type: e.type, content: e.text }))));
  }

  async editRecent(name: string, index: number, text: string): Promise<void> {
    await this.mutateRecent(name, (list) => {
      if (!list[index]) throw new NotFoundException(`no recent entry ${index}`);
      list[index] = { type: list[index].type, content: text };
    });
  }

  async deleteRecent(name: string, index: number): Promise<void> {
    await this.mutateRecent(name, (list) => {
      if (!list[index]) throw new NotFoundException(`no recent entry ${index}`);
      list.splice(index, 1);
    });
  }

  async list(name: string, table: TimeIndexTable, query: EntryQuery): Promise<{ total: number; items: MemoryItem[] }> {
    const { total, entries } = await this.timeIndex.list(name, table, query);
    const label = await this.labels(name);
    return { total, items: entries.map((e) => toItem(e, label)) };
  }

  async get(name: string, table: TimeIndexTable, id: number): Promise<MemoryItem> {
    const entry = await this.timeIndex.get(name, table, id);
    if (!entry) throw new NotFoundException(`no ${ITEM[table]} ${id}`);
    return toItem(entry, await this.labels(name));
  }

  /** Corrects a stored turn or summary; its recall terms change now, its vector in the background. */
  async edit(name: string, table: TimeIndexTable, id: number, text: string): Promise<MemoryItem> {
    const entry = await this.timeIndex.get(name, table, id);
    if (!entry) throw new NotFoundException(`no ${ITEM[table]} ${id}`);
    const message: ChatMessage = { type: entry.message?.type ?? (table === 'original' ? 'human' : 'system'), content: text };
    await this.locks.run(name, () => this.timeIndex.updateMessage(name, table, id, message));
    void this.semantic.catchUp(name).catch(() => undefined);
    return this.get(name, table, id);
  }

  /**
   * Forgets a memory everywhere: the stored turn or summary, its recall terms and vector, and the
   * same message in the recent file (so the next session does not see it either).
   */
  async forget(name: string, table: TimeIndexTable, id: number): Promise<void> {
    const entry = await this.timeIndex.get(name, table, id);
    if (!entry) throw new NotFoundException(`no ${ITEM[table]} ${id}`);
    await this.review.cancel(name);
    await this.locks.run(name, async () => {
      await this.timeIndex.delete(name, table, [id]);
      if (entry.message && table === 'original') {
        const text = messageText(entry.message);
        const list = await this.recent.read(name);
        const kept = list.filter((m) => !(m.type === entry.message?.type && messageText(m) === text));
        if (kept.length !== list.length) await this.recent.write(name, kept);
      }
    });
    // The vector deletion is queued durably above; dropping it from LanceDB never holds up the answer.
    void this.semantic.catchUp(name).catch(() => undefined);
  }

  private async mutateRecent(name: string, change: (list: ChatMessage[]) => void): Promise<void> {
    await this.review.cancel(name);
    await this.locks.run(name, async () => {
      const list = await this.recent.read(name);
      change(list);
      await this.recent.write(name, list);
    });
  }
}

function toItem(e: StoredEntry, label: Record<MessageType, string>): MemoryItem {
  return { id: e.id, sessionId: e.sessionId, timestamp: e.timestamp, type: e.message?.type ?? null, speaker: e.message ? label[e.message.type] : null, text: e.message ? messageText(e.message) : '' };
}
