import type { LlmMode } from '../llm/llm-session.port';
import { LlmError } from '../llm/llm-session.port';
import type { SessionManager } from '../sessions/session-manager';
import { AgentResultDelivery } from './agent-result.delivery';
import { ChatStatus } from './chat-status.const';
import { ChatContext, type ChatEngineDeps, type LiveSession, type StartToken } from './chat-session.context';
import { HotSwapController } from './hot-swap.controller';
import type { ReplyHooks } from './reply-output.handler';
import { openConversation, runStart, settleWithin, sleep } from './session-start.runner';
import { errorText } from './start-failure.tracker';
import { checkJpegDataUrl, checkText, MAX_TEXT_CHARS, packMicAudio } from './stream-frame.validator';

/** Frames waiting in the engine's queue beyond this are microphone frames we drop (a stalled provider). */
export const MAX_QUEUED_FRAMES = 500;
/** Closing a provider conversation and its speech waits at most this long. */
export const CLOSE_TIMEOUT_MS = 3000;
/** Proactive chat: reply chunks and their spacing (spec §3.10), and how long it waits for a start. */
export const PROACTIVE_CHUNK_CHARS = 10;
export const PROACTIVE_CHUNK_GAP_MS = 50;
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
  private queued = 0;
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
      endByServer: () => this.enqueue(() => this.end(true)),
    };
    this.hotSwap = new HotSwapController(this.ctx, (mode, useTts, lines) => openConversation(this.ctx, this.hooks, mode, useTts, lines, true));
    this.agentResults = new AgentResultDelivery(this.ctx);
  }

  /** SessionManager.chat: start_session, stream_data, end_session, pause_session (validated by the router). */
  chat(frame: Record<string, unknown>): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (frame.action === 'stream_data' && frame.input_type === 'audio' && this.queued >= MAX_QUEUED_FRAMES) return Promise.resolve();
    this.enqueue(() => this.handle(frame));
    return Promise.resolve();
  }

  /** end_session(by_server) — also the manager's end hook (socket gone, character removed). */
  async end(byServer: boolean): Promise<void> {
    if (this.ctx.starting) {
      this.ctx.starting.cancelled = true;
      this.ctx.starting = undefined;
      for (const waiter of [...this.startWaiters]) waiter(undefined);
    }
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
   * Proactive chat (spec §3.10): without a text-capable session a text session is started first;
   * the reply goes into the model's context, then through the normal reply path in 10-character
   * chunks 50 ms apart (gemini_response, TTS, turn log) and ends with `turn end`. False = could not
   * be delivered (no socket, the start failed): the caller sends plain frames.
   */
  async deliverProactive(text: string): Promise<boolean> {
    let live = this.ctx.live;
    if (!live || live.mode !== 'text') {
      if (!this.ctx.manager.hasSocket || this.closed) return false;
      live = await this.startAndWait('text');
      if (!live) return false;
    }
    const speechId = this.ctx.newSpeech();
    this.ctx.silenceOutput();
    const master = await this.ctx.deps.masterName();
    await live.llm.addContext(`${this.ctx.name}刚刚主动对${master}说：${text}`).catch(() => undefined);
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i += PROACTIVE_CHUNK_CHARS) {
      if (i > 0) await sleep(PROACTIVE_CHUNK_GAP_MS);
      // The user spoke meanwhile (new turn) or the session went: the rest is not said.
      if (this.ctx.live !== live || this.ctx.speechId !== speechId) return true;
      live.output.speakText(chars.slice(i, i + PROACTIVE_CHUNK_CHARS).join(''), i === 0);
    }
    // A proactive line is not a reply to the user: its turn end asks the analyzer nothing.
    this.ctx.agentCallbackTurn = true;
    live.output.responseDone();
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
    await this.end(true);
  }

  private enqueue(job: () => Promise<void>): void {
    this.queued += 1;
    this.queue = this.queue
      .then(job)
      .catch((err: unknown) => this.ctx.log.warn(`chat frame for ${this.ctx.name} failed: ${errorText(err)}`))
      .finally(() => {
        this.queued -= 1;
      });
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

  /** Spec §5.2: `session_preparing` at once, the rest in the background. A start already running wins. */
  private async beginStart(mode: LlmMode, isNew: boolean): Promise<void> {
    if (this.ctx.starting) return;
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
    // Replayed on the queue before any frame that arrives from now on.
    this.enqueue(async () => {
      for (let frame = this.ctx.pending.shift(); frame; frame = this.ctx.pending.shift()) await this.stream(frame);
      this.agentResults.flush();
    });
  }

  /** stream_data (spec §5.3). */
  private async stream(frame: Record<string, unknown>): Promise<void> {
    const type = frame.input_type;
    if (typeof type !== 'string' || !STREAM_TYPES.includes(type)) {
      await this.ctx.status(`Invalid input type: ${typeof type === 'string' ? type : JSON.stringify(type)}`);
      return;
    }
    if (this.ctx.starting) {
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
    if (type === 'text') await this.streamText(live, String(frame.data));
    else if (type === 'audio') await this.streamAudio(live, frame.data);
    else {
      const jpeg = checkJpegDataUrl(frame.data);
      if (jpeg !== undefined) await live.llm.streamImage(jpeg).catch((err: unknown) => this.streamFailure(live, err));
    }
  }

  private async streamText(live: LiveSession, text: string): Promise<void> {
    this.ctx.newSpeech();
    this.ctx.silenceOutput();
    await this.ctx.send({ type: 'user_activity' });
    // Barge-in: the reply still streaming stops now, not after the memory lookup below.
    if (this.ctx.manager.isResponding) await live.llm.cancelResponse().catch(() => undefined);
    this.ctx.turnLog.user(text);
    this.hotSwap.cacheLine('user', text);
    const memories = await this.ctx.deps.memory.recall(this.ctx.name, text, live.sessionKey).catch(() => '');
    if (this.ctx.live !== live) return;
    if (memories) await live.llm.addContext(memories).catch((err: unknown) => this.ctx.log.warn(`recall context for ${this.ctx.name} failed: ${errorText(err)}`));
    void live.llm.streamText(text).catch((err: unknown) => this.streamFailure(live, err));
  }

  private async streamAudio(live: LiveSession, data: unknown): Promise<void> {
    const mic = packMicAudio(data);
    if (!mic) return;
    let pcm = mic.pcm;
    const rate = live.llm.inputSampleRate;
    if (mic.rate !== rate) {
      // One resampler per session and input rate (desktop 48 kHz, mobile 16 kHz), in the pool.
      let resampler = this.ctx.micResampler;
      if (resampler?.inRate !== mic.rate || resampler.outRate !== rate) resampler = this.ctx.micResampler = this.ctx.deps.audio.resampler(mic.rate, rate);
      pcm = await resampler.push(pcm);
    }
    if (pcm.length === 0 || this.ctx.live !== live) return;
    await live.llm.streamAudio(pcm).catch((err: unknown) => this.streamFailure(live, err));
  }

  /** Spec §5.3: a closed provider connection is the 失联 path; anything else one stream status. */
  private streamFailure(live: LiveSession, err: unknown): void {
    if (this.ctx.live !== live) return;
    if (err instanceof LlmError && err.kind === 'closed') {
      void this.ctx.status(ChatStatus.lostContact(this.ctx.name));
      this.enqueue(() => this.end(true));
      return;
    }
    void this.ctx.status(ChatStatus.streamError(errorText(err)));
  }
}
