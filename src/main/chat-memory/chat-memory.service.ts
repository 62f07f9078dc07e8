import { Inject, Injectable, Logger } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { RUNTIME_ENV } from '../../shared/config/config.tokens';
import type { RuntimeEnv } from '../../shared/config/env.schema';
import { MemoryServerClient } from '../clients/peer-clients.module';
import { MemoryUnavailableError, type ChatMemory, type TurnLog } from './chat-memory.port';
import { decodeDialog } from './dialog-text.format';
import { MemoryOutboxService } from './memory-outbox.service';
import { coveredBy, hitKey, isTrivialQuery, RECALL_BOUNDS, renderRecallBlock, selectHits, type RecallHit } from './recall-block.format';
import { TurnLogSession } from './turn-log.session';

/** Spec §5.2 step 9: the memory context must come within 2 s. */
const NEW_DIALOG_TIMEOUT_MS = 2000;
/** Recall runs before every user turn; it is skipped when the memory server is slower than this. */
const RECALL_TIMEOUT_MS = 400;
/** Candidates asked for (more than shown: some are filtered out as known). */
const RECALL_CANDIDATES = 12;
/** Longest query sent (the search DTO allows 2,000). */
const MAX_QUERY_CHARS = 500;
/** Sessions whose given memories are remembered, and memories per session. */
const MAX_SESSIONS = 256;
const MAX_GIVEN_PER_SESSION = 2000;
/** Longest new_dialog text kept per character to recognise what the context already holds. */
const MAX_CONTEXT_CHARS = 64 * 1024;

/**
 * The chat engine's memory side: new_dialog at session start, recall before user turns, and the
 * turn logs whose reports go through the durable outbox (MemoryOutboxService).
 */
@Injectable()
export class ChatMemoryService implements ChatMemory {
  private readonly logger = new Logger(ChatMemoryService.name);
  private readonly logs = new Map<string, TurnLogSession>();
  private readonly given = new Map<string, Set<string>>();
  private readonly contexts = new Map<string, string>();

  constructor(
    private readonly client: MemoryServerClient,
    @Inject(RUNTIME_ENV) private readonly env: RuntimeEnv,
    private readonly outbox: MemoryOutboxService,
    private readonly characters: CharactersService,
  ) {}

  async newDialog(lanlanName: string): Promise<string> {
    const port = this.env.ports.memory;
    let res;
    try {
      res = await this.client.request(`/new_dialog/${encodeURIComponent(lanlanName)}`, { timeoutMs: NEW_DIALOG_TIMEOUT_MS });
    } catch (err) {
      throw memoryUnavailable(err, port);
    }
    if (!res.ok) throw new MemoryUnavailableError(`❌ 记忆服务连接失败: HTTP ${res.status} (端口 ${port})`);
    // The memory server answers again: reports waiting in the outbox need not sit out their back-off.
    this.outbox.wake();
    const text = decodeDialog(res.text);
    this.contexts.set(lanlanName, text.slice(-MAX_CONTEXT_CHARS));
    return text;
  }

  async recall(lanlanName: string, userText: string, sessionKey: string): Promise<string> {
    if (isTrivialQuery(userText)) return '';
    try {
      const res = await this.client.request<{ results?: unknown }>(`/api/memory/${encodeURIComponent(lanlanName)}/recall`, {
        query: { q: [...userText].slice(0, MAX_QUERY_CHARS).join(''), k: RECALL_CANDIDATES },
        timeoutMs: RECALL_TIMEOUT_MS,
      });
      if (!res.ok || !Array.isArray(res.json?.results)) return '';
      this.outbox.wake();
      const hits = res.json.results.filter(isHit);
      const log = this.logs.get(lanlanName);
      const context = [this.contexts.get(lanlanName) ?? '', log?.texts() ?? '', userText].join('\n');
      const given = this.givenTo(sessionKey);
      const master = (await this.characters.data()).masterName;
      const { block, shown } = renderRecallBlock(lanlanName, master, selectHits(hits, given, context), RECALL_BOUNDS);
      for (const hit of coveredBy(hits, shown)) if (given.size < MAX_GIVEN_PER_SESSION) given.add(hitKey(hit));
      return block;
    } catch (err) {
      this.logger.debug(`recall for ${lanlanName} skipped: ${(err as Error).message}`);
      return '';
    }
  }

  /**
   * Waits until the reports of `lanlanName` already handed to the outbox are delivered (false
   * after timeoutMs): before a rename, so none arrives under the old name afterwards.
   */
  flushFor(lanlanName: string, timeoutMs = 10_000): Promise<boolean> {
    return this.outbox.flushFor(lanlanName, timeoutMs);
  }

  forgetSession(sessionKey: string): void {
    this.given.delete(sessionKey);
  }

  turnLog(lanlanName: string): TurnLog {
    let log = this.logs.get(lanlanName);
    if (!log) {
      log = new TurnLogSession(
        async (kind, inputHistory) => {
          await this.outbox.enqueue(lanlanName, kind, inputHistory);
        },
        (err) => this.logger.error(`memory report of ${lanlanName} could not be written to the outbox (kept for the next report): ${err.message}`),
      );
      this.logs.set(lanlanName, log);
    }
    return log;
  }

  private givenTo(sessionKey: string): Set<string> {
    let set = this.given.get(sessionKey);
    if (!set) {
      if (this.given.size >= MAX_SESSIONS) this.given.delete(this.given.keys().next().value as string);
      set = new Set();
      this.given.set(sessionKey, set);
    }
    return set;
  }
}

function isHit(raw: unknown): raw is RecallHit {
  const h = raw as Partial<RecallHit> | null;
  return !!h && typeof h.id === 'number' && typeof h.kind === 'string' && typeof h.text === 'string' && typeof h.speaker === 'string' && (typeof h.timestamp === 'string' || h.timestamp === null) &&
    (h.sessionId === undefined || h.sessionId === null || typeof h.sessionId === 'string');
}

/** How a failed `/new_dialog` call reads (spec main-server.md §5.2 step 9 / §4.5; N.E.K.O.'s wording). */
function memoryUnavailable(err: unknown, port: number): MemoryUnavailableError {
  const cause = (err as Error | undefined)?.cause as (Error & { cause?: NodeJS.ErrnoException }) | undefined;
  const code = cause?.cause?.code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
  if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError') {
    return new MemoryUnavailableError(`❌ 记忆服务响应超时！请检查记忆服务是否正常运行 (端口 ${port})`);
  }
  if (code === 'ECONNREFUSED') return new MemoryUnavailableError(`❌ 记忆服务未启动！请先启动记忆服务 (端口 ${port})`);
  const why = cause?.cause?.message ?? cause?.message ?? (err as Error | undefined)?.message ?? String(err);
  return new MemoryUnavailableError(`❌ 记忆服务连接失败: ${why} (端口 ${port})`);
}
