import { Logger } from '@nestjs/common';
import { ChatCompletionError, isEndpointUsable, type ChatCompletionMessage, type ChatCompletionPort, type ChatContentPart, type ChatEndpoint } from '../../shared/llm/chat-completion.port';
import { LlmError, type LlmConnectOptions, type LlmSession, type LlmSessionEvents } from './llm-session.port';
import { guardEvents } from './llm-events.guard';
import { RepetitionDetector } from './repetition.detector';
import { ReplyFence } from './reply-text.filter';
import { ThinkBlockFilter } from './think-block.filter';

export interface TextSessionConfig {
  /** The correction tier (spec §6.5). */
  readonly correction: ChatEndpoint;
  /** The vision tier, its URL/key already falling back to the correction ones; used once a turn had images. */
  readonly vision: ChatEndpoint;
  /** Waits before the 2nd and 3rd attempt (default 1 s, 2 s). */
  readonly retryDelaysMs?: readonly number[];
  /** Longest silence of a stream before it counts as a failed attempt (default 60 s). */
  readonly idleTimeoutMs?: number;
}

const MAX_CONTEXT_MESSAGES = 3;
const MAX_HISTORY = 400;
const MAX_PENDING_IMAGES = 8;
/** ~10 MB of JPEG as base64. */
const MAX_IMAGE_CHARS = 14_000_000;
const SYSTEM_PREFIX = /^\s*SYSTEM_MESSAGE\s*\|\s*/;
const IMAGES_ONLY_TEXT = '请分析这些图片。';

interface HistoryEntry extends ChatCompletionMessage {
  /** Added by addContext: at most MAX_CONTEXT_MESSAGES of these are kept. */
  readonly context?: boolean;
}

/** Text mode (N.E.K.O.'s OmniOfflineClient): a streamed chat-completions history. */
export class OpenAiTextSession implements LlmSession {
  readonly mode = 'text' as const;
  readonly inputSampleRate = 16_000;
  private readonly logger = new Logger('TextSession');
  private readonly events: LlmSessionEvents;
  private history: HistoryEntry[] = [];
  private pendingImages: string[] = [];
  private useVision = false;
  private open = false;
  private closed = false;
  private running: AbortController | undefined;
  private queue: Promise<void> = Promise.resolve();
  private requested = 0;
  private readonly repetition = new RepetitionDetector();

  constructor(
    private readonly chat: ChatCompletionPort,
    private readonly config: TextSessionConfig,
    events: LlmSessionEvents,
  ) {
    this.events = guardEvents(events, () => this.closed, this.logger);
  }

  get isOpen(): boolean {
    return this.open && !this.closed;
  }

  /** No network needed (like N.E.K.O.); only checks that the endpoint can be called at all. */
  connect(instructions: string, _options: LlmConnectOptions): Promise<void> {
    if (this.closed) return Promise.reject(new LlmError('closed', 'the session is closed'));
    if (!isEndpointUsable(this.config.correction)) {
      return Promise.reject(new LlmError('not_configured', `no usable text model: model "${this.config.correction.model}", URL "${this.config.correction.baseUrl}", ${this.config.correction.apiKey ? 'key set' : 'no key'}`));
    }
    this.history = [{ role: 'system', content: instructions }];
    this.open = true;
    return Promise.resolve();
  }

  streamText(text: string): Promise<void> {
    if (!this.isOpen || (!text.trim() && this.pendingImages.length === 0)) return Promise.resolve();
    const images = this.pendingImages;
    this.pendingImages = [];
    if (images.length > 0) this.useVision = true;
    const content: string | ChatContentPart[] = images.length
      ? [...images.map((b64): ChatContentPart => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${b64}` } })), { type: 'text', text: text.trim() ? text : IMAGES_ONLY_TEXT }]
      : text;
    return this.enqueue(true, () => {
      if (text.trim()) this.events.inputTranscript(text);
      this.push({ role: 'user', content });
    });
  }

  streamAudio(_pcm16k: Buffer): Promise<void> {
    return Promise.resolve(); // text mode has no microphone
  }

  streamImage(jpegBase64: string): Promise<void> {
    if (this.isOpen && jpegBase64 && jpegBase64.length <= MAX_IMAGE_CHARS) {
      this.pendingImages.push(jpegBase64);
      if (this.pendingImages.length > MAX_PENDING_IMAGES) this.pendingImages.shift();
    }
    return Promise.resolve();
  }

  addContext(text: string): Promise<void> {
    if (!this.isOpen || !text.trim()) return Promise.resolve();
    this.push({ role: 'system', content: text, context: true });
    const contexts = this.history.filter((m) => m.context);
    if (contexts.length > MAX_CONTEXT_MESSAGES) {
      const drop = new Set(contexts.slice(0, contexts.length - MAX_CONTEXT_MESSAGES));
      this.history = this.history.filter((m) => !drop.has(m));
    }
    return Promise.resolve();
  }

  createResponse(text: string, options: { readonly skipped: boolean }): Promise<void> {
    if (!this.isOpen) return Promise.resolve();
    const message: HistoryEntry = { role: 'system', content: text.replace(SYSTEM_PREFIX, '') };
    if (options.skipped) {
      this.push(message);
      return Promise.resolve();
    }
    return this.enqueue(false, () => this.push(message)); // a system report waits for the reply in progress
  }

  async cancelResponse(): Promise<void> {
    this.running?.abort();
    await this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.open = false;
    this.running?.abort();
    await this.queue;
  }

  /** A new turn (a user turn first stops the reply still streaming); turns run one after another. */
  private enqueue(interrupt: boolean, prepare: () => void): Promise<void> {
    const seq = ++this.requested;
    if (interrupt) this.running?.abort();
    const turn = this.queue.then(async () => {
      if (this.closed) return;
      prepare();
      // A newer turn was asked for while this one waited: its reply answers both.
      if (seq !== this.requested) return;
      await this.generate();
    });
    this.queue = turn.catch((e: unknown) => this.logger.error(`text turn failed: ${String(e)}`));
    return this.queue;
  }

  private push(message: HistoryEntry): void {
    this.history.push(message);
    if (this.history.length > MAX_HISTORY) this.history.splice(1, this.history.length - MAX_HISTORY);
  }

  private async generate(): Promise<void> {
    const abort = new AbortController();
    this.running = abort;
    const endpoint = this.useVision ? this.config.vision : this.config.correction;
    const delays = this.config.retryDelaysMs ?? [1000, 2000];
    const attempts = delays.length + 1;
    let reply = '';
    let finished = false;
    try {
      for (let attempt = 1; attempt <= attempts && !abort.signal.aborted; attempt++) {
        reply = '';
        try {
          reply = await this.streamOnce(endpoint, abort.signal);
          finished = !abort.signal.aborted;
          break;
        } catch (e) {
          if (abort.signal.aborted) break;
          const retriable = e instanceof ChatCompletionError && (e.retriable || e.kind === 'timeout');
          const message = e instanceof Error ? e.message : String(e);
          this.logger.warn(`text streaming attempt ${attempt} failed: ${message}`);
          if (!retriable) {
            this.events.connectionError(`Error in text streaming: ${message}`);
            break;
          }
          if (attempt === attempts) {
            this.events.connectionError(`LLM调用失败，已重试${attempts}次: ${message}`);
            break;
          }
          this.events.notice(`连接问题，正在重试...（第${attempt}次）`);
          await sleep(delays[attempt - 1], abort.signal);
        }
      }
      if (reply) this.push({ role: 'assistant', content: reply }); // a barged-in partial reply stays too
      if (finished && reply && this.repetition.check(reply)) {
        this.history = this.history.slice(0, 1);
        this.events.repetition();
      }
    } finally {
      if (this.running === abort) this.running = undefined;
      this.events.responseDone();
    }
  }

  /** One streamed attempt; the shown reply text. */
  private async streamOnce(endpoint: ChatEndpoint, signal: AbortSignal): Promise<string> {
    const think = new ThinkBlockFilter();
    const fence = new ReplyFence();
    let reply = '';
    let blank = ''; // whitespace-only deltas wait for the next words (blank deltas are not sent)
    const deliver = (visible: string): boolean => {
      const { text, stop } = fence.push(visible);
      if (text.trim()) {
        const shown = reply ? blank + text : text;
        blank = '';
        this.events.textDelta(shown, reply === '');
        reply += shown;
      } else if (reply) {
        blank += text;
      }
      return stop;
    };
    const messages = this.history.map(({ role, content }) => ({ role, content }));
    for await (const delta of this.chat.stream(endpoint, messages, { temperature: 1.0, signal, idleTimeoutMs: this.config.idleTimeoutMs })) {
      if (signal.aborted) return reply;
      if (deliver(think.push(delta))) return reply;
    }
    if (!signal.aborted) deliver(think.flush());
    return reply;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
