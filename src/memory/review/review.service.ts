import { Inject, Injectable, Logger } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { deepEqual } from '../../shared/data/json-edit';
import { CHAT_MODEL, ChatModelError, type ChatModelPort } from '../compression/chat-model.port';
import { parseModelJson, REVIEW_DIALOGUE_KEY, REVIEW_NOTES_KEY, reviewPrompt } from '../compression/memory-prompts.const';
import { KeyedMutex } from '../locks/keyed-mutex';
import { messageText, type ChatMessage, type MessageType } from '../messages/chat-message';
import { RecentMemoryRepository } from '../recent/recent-memory.repository';
import { WRITE_LOCKS } from './write-locks.token';

interface RunningReview {
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/**
 * The automatic LLM review of recent history (spec memory §4.1). Cancelled by /new_dialog,
 * /cancel_correction and newer writes; its result is applied under the character's write lock
 * and only onto the history it read — turns that arrived meanwhile are kept (the upstream race).
 */
@Injectable()
export class ReviewService {
  private readonly logger = new Logger(ReviewService.name);
  private readonly running = new Map<string, RunningReview>();

  constructor(
    @Inject(CHAT_MODEL) private readonly model: ChatModelPort,
    @Inject(WRITE_LOCKS) private readonly locks: KeyedMutex,
    private readonly recent: RecentMemoryRepository,
    private readonly characters: CharactersService,
    private readonly coreConfig: CoreConfigService,
  ) {}

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Starts a review in the background (after cancelling any running one). */
  async start(name: string): Promise<void> {
    await this.cancel(name);
    const abort = new AbortController();
    const done = this.review(name, abort.signal)
      .catch((err: unknown) => {
        if (!abort.signal.aborted) this.logger.warn(`review of ${name} failed: ${(err as Error).message}`);
      })
      .finally(() => {
        if (this.running.get(name)?.abort === abort) this.running.delete(name);
      });
    this.running.set(name, { abort, done });
  }

  /** Cancels and waits; true when a review was running. */
  async cancel(name: string): Promise<boolean> {
    const task = this.running.get(name);
    if (!task) return false;
    task.abort.abort();
    await task.done;
    return true;
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((n) => this.cancel(n)));
  }

  private async review(name: string, signal: AbortSignal): Promise<void> {
    if (!(await this.coreConfig.config()).recentMemoryAutoReview) return;
    if (!(await this.model.isConfigured('correction'))) return;
    const snapshot = await this.recent.read(name);
    if (snapshot.length === 0 || signal.aborted) return;
    const master = (await this.characters.data()).masterName;
    const label: Record<MessageType, string> = { human: master, ai: name, system: 'SYSTEM_MESSAGE' };
    const dialogue = snapshot.map((m) => `${label[m.type]}: ${messageText(m)}\n\n`).join('');
    const corrected = await this.ask(reviewPrompt(master, name, dialogue), master, name, signal);
    if (!corrected || signal.aborted) return;
    await this.locks.run(name, async () => {
      if (signal.aborted) return;
      const current = await this.recent.read(name);
      if (!deepEqual(current.slice(0, snapshot.length), snapshot)) {
        this.logger.log(`review of ${name} dropped: the history was edited meanwhile`);
        return;
      }
      await this.recent.write(name, [...corrected, ...current.slice(snapshot.length)]);
      this.logger.log(`reviewed recent memory of ${name}`);
    });
  }

  private async ask(prompt: string, master: string, name: string, signal: AbortSignal): Promise<ChatMessage[] | undefined> {
    for (let attempt = 0; attempt < 3 && !signal.aborted; attempt++) {
      let text: string;
      try {
        text = await this.model.complete('correction', [{ role: 'user', content: prompt }], { temperature: 0.1, signal });
      } catch (err) {
        if (!(err instanceof ChatModelError) || !err.retriable) throw err;
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
        continue;
      }
      const parsed = parseModelJson(text) as Record<string, unknown>;
      const list = parsed?.[REVIEW_DIALOGUE_KEY];
      if (!(REVIEW_NOTES_KEY in (parsed ?? {})) || !Array.isArray(list)) {
        this.logger.warn(`review answer for ${name} lacks ${REVIEW_NOTES_KEY}/${REVIEW_DIALOGUE_KEY}; nothing changed`);
        return undefined;
      }
      return list.map((item: { role?: unknown; content?: unknown }) => ({
        type: roleToType(typeof item.role === 'string' ? item.role : '', master, name),
        content: typeof item.content === 'string' ? item.content : JSON.stringify(item.content ?? ''),
      }));
    }
    return undefined;
  }
}

function roleToType(role: string, master: string, name: string): MessageType {
  const r = role.toLowerCase();
  if (r === 'ai' || r === 'assistant' || role === name) return 'ai';
  if (r === 'system' || r === 'system_message') return 'system';
  if (r === 'user' || r === 'human' || role === master) return 'human';
  return 'human';
}
