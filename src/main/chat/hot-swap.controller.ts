import { randomUUID } from 'node:crypto';
import type { LlmMode, LlmSession } from '../llm/llm-session.port';
import { ChatStatus } from './chat-status.const';
import type { ChatContext, LiveSession } from './chat-session.context';
import type { ReplyOutput } from './reply-output.handler';
import { hotSwapPrime, renderLines, type CachedLine } from './session-prompt.builder';
import { settleWithin } from './session-start.runner';
import { errorText } from './start-failure.tracker';

/** Priming the pending session is waited for at most this long before the swap. */
export const PRIME_TIMEOUT_MS = 8000;
/** Cache bounds while a swap is prepared (messages, characters). */
export const MAX_CACHE_LINES = 200;
export const MAX_CACHE_CHARS = 32 * 1024;

type Opener = (mode: LlmMode, useTts: boolean, cachedLines: string) => Promise<{ llm: LlmSession; output: ReplyOutput }>;

/**
 * The hot swap ("renew", spec main-server.md §5.7): after a while the conversation so far goes to
 * the memory server (`turnLog.renew()` → /renew), a fresh provider conversation is prepared in the
 * background with the new memory context plus what was said meanwhile, and at a later turn end it
 * replaces the running one without the user noticing. Evaluated only at turn ends.
 */
export class HotSwapController {
  private preparing = false;
  private markAt = 0;
  private cache: Array<{ role: 'user' | 'assistant'; text: string }> = [];
  private cacheChars = 0;
  private snapshotLen = 0;
  /** Cache length the pending conversation was primed up to (a swap deferred while the user talked). */
  private primedUpTo: number | undefined;
  private pending: { llm: LlmSession; output: ReplyOutput } | undefined;
  private preparation: Promise<void> | undefined;
  private swapping = false;
  /** Bumped by reset(): work of an older round is discarded. */
  private round = 0;

  constructor(
    private readonly ctx: ChatContext,
    private readonly open: Opener,
  ) {}

  /** Keeps a said line while a swap is being prepared (consecutive lines of one speaker merged). */
  cacheLine(role: 'user' | 'assistant', text: string): void {
    if (!this.preparing || this.cacheChars + text.length > MAX_CACHE_CHARS) return;
    const last = this.cache.at(-1);
    if (last && last.role === role && this.cache.length > this.snapshotLen) last.text += text;
    else if (this.cache.length < MAX_CACHE_LINES) this.cache.push({ role, text });
    else return;
    this.cacheChars += text.length;
  }

  /** At every turn end of the live session. */
  onTurnEnd(): void {
    const live = this.ctx.live;
    if (!live || this.swapping) return;
    // The user is talking (barge-in): the conversation is not switched under them; next turn end.
    if (this.ctx.userSpeaking && this.pending && !this.preparation) return;
    const now = Date.now();
    const { hotSwapAfterMs, hotSwapPrepareMs } = this.ctx.deps.timings;
    if (this.ctx.manager.pendingExtraReplies.length > 0 && !this.preparing) {
      // §3.9 notify_task_result: prepare at once (no renew mark), report at the next turn end.
      this.beginRound(0);
      this.prepare(live);
      return;
    }
    if (!this.preparing && now - live.startedAt >= hotSwapAfterMs) {
      this.beginRound(now);
      void this.ctx.turnLog.renew().catch((err: unknown) => this.ctx.log.warn(`renew for ${this.ctx.name} failed: ${errorText(err)}`));
    }
    if (!this.preparing) return;
    if (this.pending && !this.preparation) {
      void this.swap(live);
      return;
    }
    if (!this.pending && !this.preparation && now - this.markAt >= hotSwapPrepareMs) this.prepare(live);
  }

  /** Session end or restart: whatever was being prepared is dropped. */
  reset(): void {
    this.round += 1;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) void pending.llm.close().catch(() => undefined);
    this.preparing = false;
    this.preparation = undefined;
    this.swapping = false;
    this.cache = [];
    this.cacheChars = 0;
    this.snapshotLen = 0;
    this.primedUpTo = undefined;
  }

  private beginRound(markAt: number): void {
    this.preparing = true;
    this.markAt = markAt;
    this.cache = [];
    this.cacheChars = 0;
    this.snapshotLen = 0;
  }

  private prepare(live: LiveSession): void {
    const round = this.round;
    this.snapshotLen = this.cache.length;
    const run = (async () => {
      const lines = renderLines(await this.speakers(this.cache.slice(0, this.snapshotLen)));
      const opened = await this.open(live.mode, live.useTts, lines);
      if (round !== this.round || this.ctx.live !== live) {
        await opened.llm.close().catch(() => undefined);
        return;
      }
      this.pending = opened;
    })();
    this.preparation = run;
    run
      .catch((err: unknown) => {
        // Spec step 4: a failed preparation means no swap; it is tried again a while later.
        this.ctx.log.warn(`hot-swap preparation for ${this.ctx.name} failed: ${errorText(err)}`);
        if (round === this.round) this.markAt = Date.now();
      })
      .finally(() => {
        if (round === this.round && this.preparation === run) this.preparation = undefined;
      });
  }

  /**
   * Spec step 5. The new conversation is primed with what was said since its preparation, then
   * the switch happens at once — but never while the user is talking or the old conversation is
   * answering (then at the next turn end, primed again with what was said since). With agent
   * results the switch comes first and the new conversation reports them out loud.
   */
  private async swap(live: LiveSession): Promise<void> {
    const pending = this.pending!;
    this.swapping = true;
    const round = this.round;
    let extra: string[] = [];
    try {
      if (!pending.llm.isOpen) throw new Error('the prepared session was closed');
      const from = this.primedUpTo ?? this.snapshotLen;
      const base = { lanlanName: this.ctx.name, masterName: await this.ctx.deps.masterName(), now: new Date() };
      if (this.ctx.manager.pendingExtraReplies.length === 0) {
        if (this.primedUpTo === undefined || this.cache.length > from) {
          const prime = hotSwapPrime({ ...base, recent: await this.speakers(this.cache.slice(from)), extraReplies: [] });
          this.primedUpTo = this.cache.length;
          // Voice: the silent prime (spec: create_response(skipped)) goes in as context — the same
          // text for the model, but no realtime response a user starting to speak could collide with.
          const primed = live.mode === 'audio' ? pending.llm.addContext(prime.text) : pending.llm.createResponse(prime.text, { skipped: true });
          await settleWithin(primed, PRIME_TIMEOUT_MS);
        }
        if (round !== this.round || this.ctx.live !== live) throw new Error('the session ended during the swap');
        if (this.ctx.userSpeaking || this.ctx.manager.isResponding) {
          this.swapping = false; // the user is mid-turn: switch at the next turn end
          return;
        }
        this.replace(live, pending);
      } else {
        extra = this.ctx.manager.pendingExtraReplies.splice(0);
        const prime = hotSwapPrime({ ...base, recent: await this.speakers(this.cache.slice(from)), extraReplies: extra });
        if (round !== this.round || this.ctx.live !== live) throw new Error('the session ended during the swap');
        this.replace(live, pending);
        // The model reports the agent results now, in its own words (not analysed again).
        this.ctx.agentCallbackTurn = true;
        this.ctx.newSpeech();
        void pending.llm.createResponse(prime.text, { skipped: false }).catch((err: unknown) => this.ctx.log.warn(`agent report for ${this.ctx.name} failed: ${errorText(err)}`));
      }
      if (round === this.round) this.finishRound();
    } catch (err) {
      // The agent results taken for this swap wait for the next one, even if this round is over.
      this.ctx.manager.pendingExtraReplies.unshift(...extra);
      if (round !== this.round) return;
      this.pending = undefined;
      void pending.llm.close().catch(() => undefined);
      void this.ctx.status(ChatStatus.hotSwapFailed(errorText(err)));
      this.finishRound();
    }
  }

  /** The prepared conversation becomes the live one; the old one is closed. */
  private replace(live: LiveSession, pending: { llm: LlmSession; output: ReplyOutput }): void {
    this.pending = undefined;
    this.ctx.live = { ...live, llm: pending.llm, output: pending.output, startedAt: Date.now(), sessionKey: randomUUID() };
    live.output.attached = false;
    pending.output.attached = true;
    this.ctx.deps.memory.forgetSession(live.sessionKey);
    void live.llm.close().catch(() => undefined);
  }

  private finishRound(): void {
    this.preparing = false;
    this.swapping = false;
    this.cache = [];
    this.cacheChars = 0;
    this.snapshotLen = 0;
    this.primedUpTo = undefined;
  }

  private async speakers(lines: ReadonlyArray<{ role: 'user' | 'assistant'; text: string }>): Promise<CachedLine[]> {
    const master = await this.ctx.deps.masterName();
    return lines.map((l) => ({ speaker: l.role === 'user' ? master : this.ctx.name, text: l.text }));
  }
}
