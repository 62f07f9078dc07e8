import { Logger } from '@nestjs/common';
import type { RawData } from 'ws';
import type { ChatCompletionPort, ChatEndpoint } from '../../shared/llm/chat-completion.port';
import { guardEvents } from './llm-events.guard';
import { LlmError, type LlmConnectOptions, type LlmSession, type LlmSessionEvents } from './llm-session.port';
import { PcmCarry, ReplyProgress, TranscriptGate, type ReplyDeltaKind } from './realtime-output.buffer';
import { asJson, connectRealtime, parseEvent as parse, type Json, type RealtimeLink } from './realtime-socket.client';
import { RealtimeVisionInjector } from './realtime-vision.injector';
import { RealtimeWatchdog } from './realtime-watchdog.timer';
import { dialectFor, imageEvent, realtimeUrl, SERVER_EVENTS, sessionConfig, textItem, usesInstructions, type ClientEvent, type RealtimeDialect } from './realtime.dialect';
import { RepetitionDetector } from './repetition.detector';

export interface RealtimeSessionConfig {
  readonly url: string;
  readonly model: string;
  readonly apiKey: string;
  /** core_config's provider (`glm`/`free` get the silence timer). */
  readonly apiType: string;
  /** Bound of the upgrade + first session.update (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** No provider event this long while one is due (reply or user turn pending) → 连接超时 (default 60 s). */
  readonly receiveTimeoutMs?: number;
  /** glm/free: this long without user speech → silenceTimeout (default 90 s). */
  readonly silenceTimeoutMs?: number;
  /** Longest wait of the reply transcript for the user's transcription (default 3 s). */
  readonly transcriptHoldMs?: number;
  /** StepFun/free: frames are described by this vision model and injected as text (none = frames are dropped). */
  readonly vision?: { readonly chat: ChatCompletionPort; readonly endpoint: ChatEndpoint };
}

const MAX_CONTEXTS = 3;
const RECEIVE_TIMEOUT_TEXT = '💥 连接超时，请检查网络连接。';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Voice mode (N.E.K.O.'s OmniRealtimeClient): one Realtime-protocol WebSocket. */
export class RealtimeSession implements LlmSession {
  readonly mode = 'audio' as const;
  /** 24 kHz for OpenAI's GA realtime (the only rate it takes), else 16 kHz (spec §4.4). */
  readonly inputSampleRate: number;
  private readonly logger = new Logger('RealtimeSession');
  private readonly events: LlmSessionEvents;
  private readonly dialect: RealtimeDialect | undefined;
  private link: RealtimeLink | undefined;
  private connecting = false;
  private closed = false;
  private baseInstructions = '';
  private contexts: string[] = [];
  private responding = false;
  /** The provider's id of the response in progress, and the one a cancel was already sent for. */
  private responseId: string | undefined;
  private cancelSentFor: string | undefined;
  private responseDue = false;
  private userSpeaking = false;
  private skipping = false;
  private readonly reply = new ReplyProgress();
  private deferredDone = false;
  private readonly gate: TranscriptGate;
  private readonly pcm = new PcmCarry();
  private readonly repetition = new RepetitionDetector();
  private waiters: { eventId: string | undefined; resolve: () => void }[] = [];
  private readonly watchdog: RealtimeWatchdog;
  private readonly vision: RealtimeVisionInjector | undefined;

  constructor(
    private readonly config: RealtimeSessionConfig,
    events: LlmSessionEvents,
  ) {
    this.events = guardEvents(events, () => this.closed, this.logger);
    this.dialect = dialectFor(config.model);
    this.inputSampleRate = this.dialect === 'gpt' ? 24_000 : 16_000;
    const silence = config.apiType === 'glm' || config.apiType === 'free' ? (config.silenceTimeoutMs ?? 90_000) : undefined;
    this.watchdog = new RealtimeWatchdog({ receiveTimeoutMs: config.receiveTimeoutMs ?? 60_000, silenceTimeoutMs: silence });
    this.vision = this.dialect === 'step' && config.vision ? new RealtimeVisionInjector(config.vision.chat, config.vision.endpoint, this.logger) : undefined;
    this.gate = new TranscriptGate(config.transcriptHoldMs ?? 3000, () => this.afterRelease());
  }

  get isOpen(): boolean {
    return !this.closed && this.link?.isOpen === true;
  }

  async connect(instructions: string, options: LlmConnectOptions): Promise<void> {
    if (this.closed || this.connecting) throw new LlmError('other', 'a realtime session connects once');
    this.connecting = true;
    const dialect = this.dialect;
    if (!dialect) throw new LlmError('other', `Invalid model: ${this.config.model}`);
    this.baseInstructions = instructions;
    try {
      this.link = await connectRealtime(realtimeUrl(this.config.url, this.config.model), this.config.apiKey, this.config.connectTimeoutMs ?? 10_000, this.logger, {
        firstEvent: { type: 'session.update', session: sessionConfig(dialect, instructions, options.nativeAudio) },
        onMessage: (data) => this.onMessage(data),
        onClose: (code, reason) => this.onClose(code, reason),
        cancelled: () => this.closed,
      });
    } catch (e) {
      this.closed = true;
      throw e;
    }
    this.watchdog.start({
      waiting: () => this.responding || this.responseDue || this.userSpeaking,
      speaking: () => this.userSpeaking,
      onReceiveTimeout: () => {
        this.events.connectionError(RECEIVE_TIMEOUT_TEXT);
        this.shutdown();
      },
      onSilence: () => this.events.silenceTimeout(),
    });
  }

  streamText(text: string): Promise<void> {
    return this.createResponse(text, { skipped: false });
  }

  streamAudio(pcm: Buffer): Promise<void> {
    if (this.isOpen && pcm.length > 0) this.link?.sendAudio(pcm);
    return Promise.resolve();
  }

  streamImage(jpegBase64: string): Promise<void> {
    if (!this.isOpen || !this.userSpeaking || !this.dialect || !jpegBase64) return Promise.resolve();
    const event = imageEvent(this.dialect, jpegBase64);
    if (event) this.send(event);
    else this.vision?.onImage(jpegBase64, (text) => this.send(textItem('user', text)));
    return Promise.resolve();
  }

  addContext(text: string): Promise<void> {
    if (!this.isOpen || !this.dialect || !text.trim()) return Promise.resolve();
    if (usesInstructions(this.dialect)) {
      this.contexts = [...this.contexts, text].slice(-MAX_CONTEXTS);
      this.send({ type: 'session.update', session: { instructions: this.instructions() } });
    } else {
      this.send(textItem('system', text));
    }
    return Promise.resolve();
  }

  createResponse(text: string, options: { readonly skipped: boolean }): Promise<void> {
    if (!this.isOpen || !this.dialect) return Promise.resolve();
    if (usesInstructions(this.dialect)) this.send({ type: 'session.update', session: { instructions: `${this.instructions()}\n${text}` } });
    else this.send(textItem('user', text));
    if (options.skipped) this.skipping = true;
    this.responseDue = true;
    const eventId = this.send({ type: 'response.create' });
    return new Promise<void>((resolve) => this.waiters.push({ eventId, resolve }));
  }

  cancelResponse(): Promise<void> {
    if (this.isOpen) this.cancelCurrent();
    return Promise.resolve();
  }

  /**
   * Cancels the response we saw start, once. A cancel without `response_id` stops whatever runs
   * when the provider reads it — after a burst of microphone frames that can already be the reply
   * to the next turn, cut after its first words. Providers that give no id get the bare cancel.
   */
  private cancelCurrent(): void {
    if (!this.responding) return;
    const id = this.responseId;
    if (id !== undefined && this.cancelSentFor === id) return;
    this.cancelSentFor = id;
    this.send(id !== undefined ? { type: 'response.cancel', response_id: id } : { type: 'response.cancel' });
  }

  close(): Promise<void> {
    if (!this.closed) this.shutdown();
    return Promise.resolve();
  }

  private instructions(): string {
    return [this.baseInstructions, ...this.contexts].join('\n');
  }

  private send(event: ClientEvent): string | undefined {
    return this.link?.send(event);
  }

  private onMessage(data: RawData): void {
    try {
      const event = parse(data);
      if (!event || this.closed || (!this.link && event.type === 'error')) return; // handshake errors reject connect()
      this.watchdog.heard();
      this.handle(event, str(event.type));
    } catch (e) {
      this.logger.error(`realtime event handling failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private handle(e: Json, type: string): void {
    if (SERVER_EVENTS.textDelta.has(type)) {
      if (this.dialect === 'glm') return; // GLM sends its transcript as text too
      return this.output(str(e.delta), 'text');
    }
    if (SERVER_EVENTS.transcriptDelta.has(type)) return this.output(str(e.delta), 'transcript');
    if (SERVER_EVENTS.audioDelta.has(type)) {
      const pcm = this.pcm.push(str(e.delta));
      if (pcm && !this.skipping) this.events.audioDelta(pcm);
      return;
    }
    if (SERVER_EVENTS.transcriptDone.has(type)) {
      if (!this.reply.has('transcript') && str(e.transcript)) this.output(str(e.transcript), 'transcript');
      return;
    }
    switch (type) {
      case 'error':
        return this.onProviderError(e);
      case 'response.created':
        if (this.deferredDone) this.gate.release(); // the previous reply still waited: it goes out first
        this.responding = true;
        this.responseId = str(asJson(e.response)?.id) || undefined;
        this.cancelSentFor = undefined;
        this.responseDue = false;
        this.reply.reset();
        this.pcm.reset();
        return;
      case 'input_audio_buffer.speech_started':
        this.userSpeaking = true;
        this.watchdog.speech();
        this.vision?.newTurn();
        this.events.speechStarted();
        // OpenAI's server VAD is configured with interrupt_response: it cancels the reply itself.
        if (this.dialect !== 'gpt') this.cancelCurrent();
        return;
      case 'input_audio_buffer.speech_stopped':
        this.userSpeaking = false;
        this.responseDue = true;
        this.gate.expectTranscript();
        this.events.newMessage();
        return;
      case 'conversation.item.input_audio_transcription.completed':
        if (str(e.transcript)) this.events.inputTranscript(str(e.transcript));
        return this.gate.release();
      case 'response.done':
        return this.onResponseDone();
      default:
        return;
    }
  }

  private output(delta: string, kind: ReplyDeltaKind): void {
    if (!delta || this.skipping) return;
    const first = this.reply.add(delta, kind);
    this.gate.deliver(() => (kind === 'text' ? this.events.textDelta(delta, first) : this.events.outputTranscript(delta, first)));
  }

  private onResponseDone(): void {
    this.responding = false;
    this.responseId = undefined;
    this.responseDue = false;
    const wasSkipped = this.skipping;
    this.skipping = false;
    const reply = this.reply.reset();
    this.resolveWaiters();
    if (wasSkipped) return;
    if (reply && this.repetition.check(reply)) this.events.repetition();
    if (this.gate.isHolding) this.deferredDone = true;
    else this.events.responseDone();
  }

  /** After held reply text went out (the user's transcription arrived or was given up on): a deferred responseDone. */
  private afterRelease(): void {
    if (this.deferredDone) {
      this.deferredDone = false;
      this.events.responseDone();
    }
  }

  private onProviderError(e: Json): void {
    const err = asJson(e.error) ?? {};
    const message = str(err.message) || JSON.stringify(err).slice(0, 500);
    this.logger.warn(`realtime provider error: ${message}`);
    const failed = this.waiters.find((w) => w.eventId !== undefined && w.eventId === err.event_id);
    if (failed) {
      this.waiters = this.waiters.filter((w) => w !== failed);
      this.skipping = this.responseDue = false; // that response will not come
      failed.resolve();
    }
    if (/欠费|standing/i.test(message)) {
      this.events.connectionError(message);
      this.shutdown();
    }
  }

  private onClose(code: number, reason: string): void {
    if (this.closed) return;
    const text = reason ? `${reason} (code ${code})` : `realtime connection closed (code ${code})`;
    this.logger.warn(`realtime socket closed by the provider: ${text}`);
    this.events.connectionError(text);
    this.shutdown();
  }

  private resolveWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private shutdown(): void {
    this.closed = true;
    this.watchdog.stop();
    this.vision?.stop();
    this.gate.dispose();
    this.resolveWaiters();
    this.link?.close();
  }
}
