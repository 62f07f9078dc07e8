import type { LlmMode } from '../llm/llm-session.port';
import { LlmError } from '../llm/llm-session.port';
import type { SessionManager } from '../sessions/session-manager';
import { AgentResultDelivery } from './agent-result.delivery';
import { ChatStatus } from './chat-status.const';
import { ChatContext, type ChatEngineDeps, type LiveSession, type StartToken } from './chat-session.context';
import { HotSwapController } from './hot-swap.controller';
import type { ReplyHooks } from './reply-output.handler';
import { FrameQueueBudget } from './frame-queue.budget';
import { speakProactive } from './proactive-speech.delivery';
import { streamAudio, streamText } from './session-input.handler';
import { openConversation, runStart, settleWithin } from './session-start.runner';
import { errorText } from './start-failure.tracker';
import { checkJpegDataUrl, checkText, MAX_TEXT_CHARS, packMicAudio } from './stream-frame.validator';

/** Closing a provider conversation and its speech waits at most this long. */
export const CLOSE_TIMEOUT_MS = 3000;
/** Proactive chat: how long it waits for a session start. */
export const START_WAIT_MS = 15_000;
const STREAM_TYPES = ['audio', 'text', 'screen', 'camera'];

/**
 * The chat of one character (spec main-server.md §5): start, stream, end, the output of the
 * running provider conversation, hot swap and agent results. `chat(frame)` returns at once; the
 * work runs on a per-character queue, in frame order; a start runs in the background and the
 * frames that arrive meanwhile are buffered and replayed.
 */
export class ChatSessionEngine {
  readonly ctx: ChatContext;
  readonly hotSwap: HotSwapController;
  readonly agentResults: AgentResultDelivery;
  private readonly hooks: ReplyHooks;
  private queue: Promise<void> = Promise.resolve();
  private readonly budget = new FrameQueueBudget();
  /** Bumped by an end from outside the queue (socket gone, character removed): older jobs are void. */
  private epoch = 0;
  private closed = false;
  /** deliverProactive waiting for a start to finish. */
  private readonly startWaiters = new Set<(live: LiveSession | undefined) => void>();

  constructor(manager: SessionManager, deps: ChatEngineDeps) {
    this.ctx = new ChatContext(manager, deps);
    this.hooks = {
      cache: (role, text) => this.hotSwap.cacheLine(role, text),
      turnEnded: () => {
        this.hotSwap.onTurnEnd();
        this.agentResults.flush();
      },
      endByServer: () => this.endLater(this.ctx.live),
    };
    this.hotSwap = new HotSwapController(this.ctx, (mode, useTts, lines) => openConversation(this.ctx, this.hooks, mode, useTts, lines, true));
    this.agentResults = new AgentResultDelivery(this.ctx);
  }

  /** SessionManager.chat: start_session, stream_data, end_session, pause_session (validated by the router). */
  chat(frame: Record<string, unknown>): Promise<void> {
    if (this.closed) return Promise.resolve();
    const weight = this.budget.admit(frame);
    if (weight === undefined) return Promise.resolve(); // a stalled provider: the queue is full
    this.enqueue(() => this.handle(frame), () => this.budget.release(weight, frame));
    return Promise.resolve();
  }

  /** The manager's end hook (socket gone, character removed): what is still queued is dropped. */
  endNow(byServer: boolean): Promise<void> {
    this.epoch += 1;
    for (const waiter of [...this.startWaiters]) waiter(undefined);
    return this.end(byServer);
  }

  /** end_session(by_server), on the queue or from endNow/close. */
  async end(byServer: boolean): Promise<void> {
    this.cancelStart();
    this.ctx.pending.clear();
    this.hotSwap.reset();
    const live = this.ctx.live;
    if (!live) return;
    this.ctx.live = undefined;
    live.output.attached = false;
    this.ctx.warmingUp = false;
    this.ctx.userSpeaking = false;
    this.ctx.agentCallbackTurn = false;
    this.ctx.micResampler = undefined;
    this.ctx.outResampler = undefined;
    this.ctx.audioEpoch += 1;
    const m = this.ctx.manager;
    m.isActive = false;
    m.isVoiceMode = false;
    m.isResponding = false;
    // Bounded like the spec's 3 s task cancel: a stuck provider never holds the character's queue.
    await settleWithin(Promise.allSettled([live.llm.close(), live.speech?.close()]), CLOSE_TIMEOUT_MS);
    this.ctx.deps.memory.forgetSession(live.sessionKey);
    if (!byServer) await this.ctx.status(ChatStatus.left(this.ctx.name));
    try {
      this.ctx.analyze('session_end', await this.ctx.turnLog.sessionEnd());
    } catch (err) {
      this.ctx.log.warn(`turn log of ${this.ctx.name} not saved at session end: ${errorText(err)}`);
    }
  }

  /**
   * Proactive chat (spec §3.10): without a text-capable session a text session is started first,
   * then the line is spoken through it (speakProactive). False = could not be delivered (no
   * socket, the start failed): the caller sends plain frames.
   */
  async deliverProactive(text: string): Promise<boolean> {
    let live = this.ctx.live;
    if (!live || live.mode !== 'text') {
      if (!this.ctx.manager.hasSocket || this.closed) return false;
      live = await this.startAndWait('text');
      if (!live) return false;
    }
    await speakProactive(this.ctx, live, text);
    return true;
  }

  /** Starts a session (unless one is starting) and waits for it to run; undefined if it did not. */
  private startAndWait(mode: LlmMode): Promise<LiveSession | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), START_WAIT_MS);
      const settle = (live: LiveSession | undefined): void => {
        clearTimeout(timer);
        this.startWaiters.delete(settle);
        resolve(live);
      };
      this.startWaiters.add(settle);
      this.enqueue(async () => {
        if (this.ctx.live?.mode === mode && !this.ctx.starting) settle(this.ctx.live);
        else await this.beginStart(mode, false);
        if (!this.ctx.starting) settle(this.ctx.live);
      });
    });
  }

  /** Module shutdown: the session ends and its turns reach the outbox. */
  async close(): Promise<void> {
    this.closed = true;
    await settleWithin(this.queue, CLOSE_TIMEOUT_MS);
    await this.endNow(true);
  }

  /** Jobs queued before an endNow are no-ops when their turn comes. */
  private enqueue(job: () => Promise<void>, done?: () => void): void {
    const epoch = this.epoch;
    this.queue = this.queue
      .then(() => (this.epoch === epoch ? job() : undefined))
      .catch((err: unknown) => this.ctx.log.warn(`chat frame for ${this.ctx.name} failed: ${errorText(err)}`))
      .finally(done);
  }

  /** A queued end by the server (lost provider, silence) ends only the session it was meant for. */
  private endLater(live: LiveSession | undefined): void {
    this.enqueue(async () => {
      if (live && this.ctx.live === live) await this.end(true);
    });
  }

  /** The start in progress is given up (end, or a start of the other mode); its waiters get nothing. */
  private cancelStart(): void {
    const token = this.ctx.starting;
    if (!token) return;
    token.cancelled = true;
    this.ctx.starting = undefined;
    for (const waiter of [...this.startWaiters]) waiter(undefined);
  }

  private async handle(frame: Record<string, unknown>): Promise<void> {
    switch (frame.action) {
      case 'start_session': {
        const mode: LlmMode = frame.input_type === 'text' ? 'text' : 'audio';
        await this.beginStart(mode, frame.new_session === true);
        return;
      }
      case 'stream_data':
        await this.stream(frame);
        return;
      case 'end_session':
      case 'pause_session':
        await this.end(false);
        return;
      default:
        return;
    }
  }

  /**
   * Spec §5.2: `session_preparing` at once, the rest in the background. A start of the same mode
   * already running wins; one of the other mode is cancelled. Nothing starts without a socket.
   */
  private async beginStart(mode: LlmMode, isNew: boolean): Promise<void> {
    if (this.ctx.starting?.mode === mode || !this.ctx.manager.hasSocket || this.closed) return;
    this.cancelStart();
    void this.ctx.send({ type: 'session_preparing', input_mode: mode });
    // Spec step 6: a running session (e.g. the other mode) ends first.
    if (this.ctx.live) await this.end(true);
    if (this.ctx.starting || this.closed) return;
    const token: StartToken = { mode, cancelled: false };
    this.ctx.starting = token;
    if (isNew) {
      this.hotSwap.reset();
      this.ctx.pending.clear();
    }
    void runStart(this.ctx, token, this.hooks).then(
      (live) => this.started(token, live),
      (err: unknown) => {
        this.ctx.log.error(`session start for ${this.ctx.name} crashed: ${errorText(err)}`);
        this.started(token, undefined);
      },
    );
  }

  private started(token: StartToken, live: LiveSession | undefined): void {
    if (this.ctx.starting !== token) return;
    this.ctx.starting = undefined;
    for (const waiter of [...this.startWaiters]) waiter(live);
    if (!live) {
      this.ctx.pending.clear();
      return;
    }
    void this.ctx.send({ type: 'session_started', input_mode: live.mode });
    // Replayed on the queue; frames still queued before it are buffered behind them (stream()).
    this.enqueue(() => this.replay());
  }

  /** The buffered frames, in order, until one of them starts a session of the other mode. */
  private async replay(): Promise<void> {
    const frames = this.ctx.pending.drain();
    for (let i = 0; i < frames.length; i++) {
      if (this.ctx.starting) {
        // The rest waits for that start (its started() replays them); never re-read here.
        for (const frame of frames.slice(i)) this.ctx.pending.push(frame);
        return;
      }
      await this.stream(frames[i], true);
    }
    this.agentResults.flush();
  }

  /** stream_data (spec §5.3). */
  private async stream(frame: Record<string, unknown>, replaying = false): Promise<void> {
    const type = frame.input_type;
    if (typeof type !== 'string' || !STREAM_TYPES.includes(type)) {
      await this.ctx.status(`Invalid input type: ${typeof type === 'string' ? type : JSON.stringify(type)}`);
      return;
    }
    // While starting, and after it until the replay ran: arrival order is kept.
    if (this.ctx.starting || (!replaying && this.ctx.pending.size > 0)) {
      this.ctx.pending.push(frame);
      return;
    }
    if (type === 'text') {
      const check = checkText(frame.data);
      if (!check.ok) {
        if (check.reason === 'too_long') await this.ctx.status(ChatStatus.textTooLong(MAX_TEXT_CHARS));
        else if (check.reason === 'not_string') await this.ctx.status(ChatStatus.streamError('text data must be a string'));
        return;
      }
    } else if (!this.ctx.live && (type === 'audio' ? !packMicAudio(frame.data) : checkJpegDataUrl(frame.data) === undefined)) {
      return; // a malformed frame never starts a session (it would be dropped anyway)
    }
    const wanted: LlmMode | undefined = type === 'text' ? 'text' : type === 'audio' ? 'audio' : undefined;
    const live = this.ctx.live;
    if (!live || (wanted !== undefined && live.mode !== wanted)) {
      if (!this.ctx.failures.allowsAutoStart()) return;
      await this.beginStart(wanted ?? 'audio', false);
      if (this.ctx.starting) this.ctx.pending.push(frame);
      return;
    }
    const fail = (session: LiveSession, err: unknown): void => this.streamFailure(session, err);
    if (type === 'text') await streamText(this.ctx, this.hotSwap, live, String(frame.data), fail);
    else if (type === 'audio') await streamAudio(this.ctx, live, frame.data, fail);
    else {
      const jpeg = checkJpegDataUrl(frame.data);
      if (jpeg !== undefined) await live.llm.streamImage(jpeg).catch((err: unknown) => this.streamFailure(live, err));
    }
  }

  /** Spec §5.3: a closed provider connection is the 失联 path; anything else one stream status. */
  private streamFailure(live: LiveSession, err: unknown): void {
    if (this.ctx.live !== live) return;
    if (err instanceof LlmError && err.kind === 'closed') {
      void this.ctx.status(ChatStatus.lostContact(this.ctx.name));
      this.endLater(live);
      return;
    }
    void this.ctx.status(ChatStatus.streamError(errorText(err)));
  }
}
