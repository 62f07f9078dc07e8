/**
 * What a test queues for the fake provider. Every endpoint has its own FIFO queue; an item is
 * consumed by one request, or by `times` requests (`Infinity` = until `reset()`); unscripted
 * requests get the default behaviour.
 */

/** An HTTP status (429, 401, 500 …) or the full error. Rendered as OpenAI's `{"error": {…}}` body. */
export type ErrorSpec = number | ScriptedError;

export interface ScriptedError {
  readonly status: number;
  readonly message?: string;
  /** OpenAI's `error.type` (defaults per status, e.g. `invalid_request_error`, `requests`, `server_error`). */
  readonly type?: string;
  readonly code?: string | null;
  readonly param?: string | null;
  /** `retry-after-ms` (and `retry-after` in whole seconds). 429/503 default to 10 ms so SDK retries stay fast. */
  readonly retryAfterMs?: number;
}

export interface StepBase {
  /** Answer with this error instead of a result. */
  readonly error?: ErrorSpec;
  /** Error message when `error` is a bare status. */
  readonly message?: string;
  /** Wait before answering (the request stays open). */
  readonly delayMs?: number;
  /** Drop the TCP connection instead of answering (a stream is cut after half of its chunks). */
  readonly disconnect?: boolean;
  /** How many requests this item answers (default 1). */
  readonly times?: number;
}

export interface ScriptedToolCall {
  readonly name: string;
  /** JSON text, or an object that is serialised */
  readonly arguments: string | Record<string, unknown>;
  readonly id?: string;
}

export interface ChatStep extends StepBase {
  readonly content?: string;
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** Characters per streamed content chunk (default 4). */
  readonly chunkSize?: number;
  /** Pause between streamed chunks (default 0). */
  readonly chunkDelayMs?: number;
  readonly finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
}

/** Embeddings, speech, models and realtime-upgrade items: only errors, delays and disconnects. */
export type EndpointStep = StepBase;

export interface RealtimeError {
  readonly type?: string;
  readonly code?: string | null;
  readonly message: string;
  readonly param?: string | null;
}

export interface RealtimeStep {
  /** What the fake "hears" when the next user turn is committed (server VAD or manual commit). */
  readonly transcript?: string;
  /** Deliver that transcript this much later, e.g. after the response has started (as OpenAI often does). */
  readonly transcriptDelayMs?: number;
  /** What the next response says (text, or the transcript of its audio). */
  readonly reply?: string;
  /** Sent as an `error` event when the next response starts (that response is not produced)… */
  readonly error?: RealtimeError;
  /** …and/or the socket is closed with this code (1006 = dropped without a close frame). */
  readonly close?: number | { readonly code: number; readonly reason?: string };
  /** Let the response stream this many deltas before the error/close hits (default 0). */
  readonly afterDeltas?: number;
  readonly times?: number;
}

export type FakeEndpoint = 'chat' | 'embeddings' | 'speech' | 'models' | 'realtime';

/** A realtime fault picked for one response. */
export type RealtimeFault = Pick<RealtimeStep, 'error' | 'close' | 'afterDeltas'>;

/** The default chat answer when nothing is queued; gets the parsed request body. */
export type ChatDefault = (body: Record<string, unknown>) => ChatStep;

class Queue<T> {
  private readonly items: Array<{ step: T; left: number }> = [];

  push(steps: readonly T[], times: (step: T) => number | undefined): void {
    for (const step of steps) this.items.push({ step, left: Math.max(1, times(step) ?? 1) });
  }

  take(): T | undefined {
    const head = this.items[0];
    if (!head) return undefined;
    head.left--;
    if (head.left <= 0) this.items.shift();
    return head.step;
  }

  get size(): number {
    return this.items.reduce((n, i) => n + i.left, 0);
  }

  clear(): void {
    this.items.length = 0;
  }
}

const timesOf = (s: { times?: number }) => s.times;

function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  const last = [...messages].reverse().find((m) => m?.role === 'user') ?? messages[messages.length - 1];
  const content = last?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: Record<string, unknown>) => (typeof p?.text === 'string' ? p.text : '')).join('');
}

/** Echoes the last user message: `Echo: <text>`. */
export const echoChat: ChatDefault = (body) => ({ content: `Echo: ${lastUserText(body)}` });

/** Per-endpoint queues of scripted answers. */
export class FakeScript {
  private readonly queues = {
    chat: new Queue<ChatStep>(),
    embeddings: new Queue<EndpointStep>(),
    speech: new Queue<EndpointStep>(),
    models: new Queue<EndpointStep>(),
    realtime: new Queue<EndpointStep>(),
  };
  private readonly anyQueue = new Queue<EndpointStep>();
  private readonly transcripts = new Queue<RealtimeStep>();
  private readonly replies = new Queue<RealtimeStep>();
  private readonly faults = new Queue<RealtimeStep>();
  private chatDefault: ChatDefault = echoChat;

  /** Queues chat completion answers (content, tool calls, errors, delays), in order. */
  chat(...steps: ChatStep[]): this {
    this.queues.chat.push(steps, timesOf);
    return this;
  }

  embeddings(...steps: EndpointStep[]): this {
    this.queues.embeddings.push(steps, timesOf);
    return this;
  }

  speech(...steps: EndpointStep[]): this {
    this.queues.speech.push(steps, timesOf);
    return this;
  }

  models(...steps: EndpointStep[]): this {
    this.queues.models.push(steps, timesOf);
    return this;
  }

  /** Queues an error for one endpoint, or for whichever request comes next (`'any'`, served first). */
  error(endpoint: FakeEndpoint | 'any', error: ErrorSpec, extra: Omit<StepBase, 'error'> = {}): this {
    const step: EndpointStep = { ...extra, error };
    if (endpoint === 'any') this.anyQueue.push([step], timesOf);
    else this.queues[endpoint].push([step], timesOf);
    return this;
  }

  /** Realtime turns: transcripts, replies and faults go to three independent queues. */
  realtime(...steps: RealtimeStep[]): this {
    this.transcripts.push(steps.filter((s) => s.transcript !== undefined), timesOf);
    this.replies.push(steps.filter((s) => s.reply !== undefined), timesOf);
    this.faults.push(steps.filter((s) => s.error !== undefined || s.close !== undefined), timesOf);
    return this;
  }

  /** Replaces the unscripted chat answer (default: `Echo: <last user text>`). */
  defaultChat(fn: ChatDefault): this {
    this.chatDefault = fn;
    return this;
  }

  /** The next item for an HTTP endpoint (an `'any'` error first). */
  next(endpoint: 'chat'): ChatStep | undefined;
  next(endpoint: Exclude<FakeEndpoint, 'chat'>): EndpointStep | undefined;
  next(endpoint: FakeEndpoint): ChatStep | EndpointStep | undefined {
    return this.anyQueue.take() ?? this.queues[endpoint].take();
  }

  /** The scripted chat answer, or the default one for this request. */
  nextChat(body: Record<string, unknown> = {}): ChatStep {
    return this.next('chat') ?? this.chatDefault(body);
  }
  nextTranscript(): Pick<RealtimeStep, 'transcript' | 'transcriptDelayMs'> | undefined {
    return this.transcripts.take();
  }
  nextReply(): string | undefined {
    return this.replies.take()?.reply;
  }
  nextFault(): RealtimeFault | undefined {
    return this.faults.take();
  }

  /** Unconsumed items per queue (a `times: n` item counts n). */
  pending(): Record<FakeEndpoint | 'any' | 'transcripts' | 'replies' | 'faults', number> {
    const q = this.queues;
    return {
      chat: q.chat.size,
      embeddings: q.embeddings.size,
      speech: q.speech.size,
      models: q.models.size,
      realtime: q.realtime.size,
      any: this.anyQueue.size,
      transcripts: this.transcripts.size,
      replies: this.replies.size,
      faults: this.faults.size,
    };
  }

  /** Empties every queue and restores the default chat answer. */
  reset(): void {
    for (const q of [...Object.values(this.queues), this.anyQueue, this.transcripts, this.replies, this.faults]) q.clear();
    this.chatDefault = echoChat;
  }
}
