import { Logger } from '@nestjs/common';
import type { SpeechOutput, SpeechSink } from './speech-output.port';
import { SpeechFrameQueue } from './speech-frame.queue';
import { SentenceSplitter } from './sentence.splitter';
import { ThinkBlockFilter } from '../llm/think-block.filter';
import { TtsError, type TtsLanguage, type TtsPort } from './tts.port';

/** The TTS a session speaks with (SpeechOutputFactory's choice). */
export interface SpeechEngine {
  /** `openai-speech`, `qwen-realtime`, `espeak-ng`, … (logs). */
  readonly name: string;
  readonly tts: TtsPort;
  /** Remote providers: opens the connection (throws on failure). */
  connect?(): Promise<void>;
  close?(): void | Promise<void>;
}

export interface SpeechOutputSessionOptions {
  readonly language?: TtsLanguage;
  readonly voice?: string;
  /** Speaks instead when the engine fails to start or fails for good (the offline voice). */
  readonly fallback?: SpeechEngine;
  /** start(): connect bound (spec §7.2: 8 s). */
  readonly startTimeoutMs?: number;
  /** Sentences waiting for synthesis per utterance; more are dropped (a runaway reply). */
  readonly maxQueuedSentences?: number;
  /** Frames one sentence may hold before delivery (the lookahead sentence waits beyond). */
  readonly maxFramesPerSentence?: number;
  readonly logger?: Pick<Logger, 'warn'>;
}

/** Consecutive retriable failures after which the session stops trying the remote TTS. */
const MAX_RETRIABLE_FAILURES = 3;

interface Utterance {
  readonly id: string;
  readonly abort: AbortController;
  readonly splitter: SentenceSplitter;
  readonly think: ThinkBlockFilter;
  readonly sentences: string[];
  /** The sentence being delivered and the one synthesised ahead of it (at most two). */
  readonly jobs: SpeechFrameQueue[];
  ended: boolean;
  running: boolean;
  wake: (() => void) | undefined;
  dropped: boolean;
}

/**
 * The speech of one chat session (SpeechOutput, spec main-server.md §7): text deltas → reasoning
 * blocks removed → sentences (SentenceSplitter: tags, emoji, markdown marks and asides removed) →
 * synthesis one sentence after another, the next sentence starting while the current one is still
 * being delivered, audio delivered strictly in order. A new speech id or interrupt() aborts the
 * old utterance's synthesis and drops its audio; pushes of an interrupted id stay silent.
 */
export class SpeechOutputSession implements SpeechOutput {
  private readonly logger: Pick<Logger, 'warn'>;
  private engine: SpeechEngine;
  private current: Utterance | undefined;
  private silenced: string | undefined;
  private failures = 0;
  private fellBack = false;
  private closing: Promise<void> | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    primary: SpeechEngine,
    private readonly sink: SpeechSink,
    private readonly options: SpeechOutputSessionOptions = {},
  ) {
    this.engine = primary;
    this.logger = options.logger ?? new Logger('SpeechOutput');
  }

  /** The engine speaking now (after a fallback: the offline voice). */
  get engineName(): string {
    return this.engine.name;
  }

  async start(): Promise<boolean> {
    const engine = this.engine;
    if (!engine.connect || this.closing) return !this.closing;
    const ms = this.options.startTimeoutMs ?? 8000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([engine.connect(), new Promise((_r, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
      return true;
    } catch (err) {
      this.fallBack(`${engine.name} did not start: ${(err as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  push(speechId: string, text: string): void {
    if (this.closing || speechId === this.silenced) return;
    let u = this.current;
    if (u?.id !== speechId) {
      this.abandon();
      u = this.current = newUtterance(speechId);
    }
    u.ended = false;
    this.enqueue(u, u.splitter.push(u.think.push(text)));
  }

  endUtterance(): void {
    const u = this.current;
    if (!u || this.closing) return;
    this.enqueue(u, [...u.splitter.push(u.think.flush()), ...u.splitter.flush()]);
    u.ended = true;
    u.wake?.();
  }

  /** Resolves once nothing is queued, being synthesised or delivered (an ended utterance fully spoken). */
  whenIdle(): Promise<void> {
    if (!this.current?.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  interrupt(): void {
    if (this.current) this.silenced = this.current.id;
    this.abandon();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abandon();
      await this.engine.close?.();
      if (this.options.fallback && this.options.fallback !== this.engine) await this.options.fallback.close?.();
    })();
    return this.closing;
  }

  private abandon(): void {
    const u = this.current;
    this.current = undefined;
    if (!u) return;
    u.abort.abort();
    u.sentences.length = 0;
    for (const job of u.jobs.splice(0)) job.discard();
    u.wake?.();
  }

  private enqueue(u: Utterance, sentences: readonly string[]): void {
    const max = this.options.maxQueuedSentences ?? 64;
    for (const s of sentences) {
      if (u.sentences.length >= max) {
        if (!u.dropped) this.logger.warn(`speech ${u.id}: more than ${max} sentences waiting, the rest of the reply is not spoken`);
        u.dropped = true;
        break;
      }
      u.sentences.push(s);
    }
    if (!u.running) {
      u.running = true;
      void this.deliver(u);
    } else u.wake?.();
  }

  /** Starts synthesis so that the sentence being delivered and the next one are under way. */
  private startJobs(u: Utterance): void {
    while (u.jobs.length < 2 && u.sentences.length > 0 && !u.abort.signal.aborted) {
      const job = new SpeechFrameQueue(u.sentences.shift() as string, this.options.maxFramesPerSentence ?? 600);
      u.jobs.push(job);
      void this.synthesize(u, job);
    }
  }

  private async deliver(u: Utterance): Promise<void> {
    try {
      for (;;) {
        this.startJobs(u);
        const job = u.jobs[0];
        if (u.abort.signal.aborted) return;
        if (!job) {
          if (u.ended) return;
          await new Promise<void>((resolve) => (u.wake = resolve));
          u.wake = undefined;
          continue;
        }
        for await (const frame of job.drain()) {
          if (u.abort.signal.aborted) return;
          this.emit(frame, u.id);
        }
        if (u.jobs[0] === job) u.jobs.shift();
      }
    } finally {
      u.running = false;
      if (this.current === u || !this.current?.running) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async synthesize(u: Utterance, job: SpeechFrameQueue): Promise<void> {
    const signal = u.abort.signal;
    let engine = this.engine;
    try {
      for (let attempt = 0; attempt < 2 && !signal.aborted; attempt++) {
        let spoke = false;
        try {
          for await (const frame of engine.tts.synthesize(job.text, { signal, language: this.options.language, voice: this.options.voice })) {
            if (signal.aborted) return;
            spoke = true;
            await job.put(frame, signal);
          }
          if (engine === this.engine) this.failures = 0;
          return;
        } catch (err) {
          if (signal.aborted) return;
          this.noteFailure(engine, err);
          if (spoke || this.engine === engine) return; // no fallback: this sentence is lost, the next is tried
          engine = this.engine;
        }
      }
    } finally {
      job.end();
    }
  }

  private noteFailure(engine: SpeechEngine, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (engine !== this.engine) return;
    const retriable = err instanceof TtsError && err.retriable;
    this.failures++;
    if (!retriable || this.failures >= MAX_RETRIABLE_FAILURES) this.fallBack(`${engine.name} failed: ${message}`);
    else this.logger.warn(`${engine.name}: one sentence not spoken (${message})`);
  }

  /** For the rest of the session the offline voice speaks; logged once. */
  private fallBack(why: string): void {
    const fallback = this.options.fallback;
    if (this.fellBack || !fallback || fallback === this.engine) {
      if (!this.fellBack) this.logger.warn(`${why}; no other voice to fall back to`);
      this.fellBack = true;
      return;
    }
    this.fellBack = true;
    const old = this.engine;
    this.engine = fallback;
    this.logger.warn(`${why}; speaking with ${fallback.name} for the rest of the session`);
    void Promise.resolve(old.close?.()).catch(() => undefined);
  }

  private emit(frame: Buffer, speechId: string): void {
    const ogg = frame.length > 4 && frame[0] === 0x4f && frame[1] === 0x67 && frame[2] === 0x67 && frame[3] === 0x53; // OggS: whole pages, unchanged
    const even = ogg || frame.length % 2 === 0 ? frame : frame.subarray(0, frame.length - 1);
    if (even.length <= 4) return;
    try {
      this.sink.audio(even, speechId);
    } catch (err) {
      this.logger.warn(`speech sink failed: ${(err as Error).message}`);
    }
  }
}

function newUtterance(id: string): Utterance {
  return { id, abort: new AbortController(), splitter: new SentenceSplitter(), think: new ThinkBlockFilter(), sentences: [], jobs: [], ended: false, running: false, wake: undefined, dropped: false };
}
