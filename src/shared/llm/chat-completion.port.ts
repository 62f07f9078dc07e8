/**
 * OpenAI-compatible chat completions behind one port, shared by main (emotion analysis, vision
 * description, proactive chat, the streamed text-mode replies of spec §6.5) and the agent
 * (assessments, dedup judge, computer-use and browser-use steps).
 */
import { isLoopbackUrl } from '../config/api-providers.const';

/** One part of a multimodal user message (OpenAI chat format). */
export type ChatContentPart = { readonly type: 'text'; readonly text: string } | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

export interface ChatCompletionMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string | readonly ChatContentPart[];
}

/** Where to send the request: one tier of core_config (spec §6.3), possibly with request overrides. */
export interface ChatEndpoint {
  readonly model: string;
  readonly apiKey: string;
  readonly baseUrl: string;
  /** Model-specific extra_body (enable_thinking …), merged into the request body. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

export interface ChatCompletionOptions {
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** Whole-request time limit (the original wraps its calls in asyncio.wait_for). */
  readonly timeoutMs?: number;
  /** Aborting ends the request at once (ChatCompletionError 'aborted'). */
  readonly signal?: AbortSignal;
  /** false: an HTTP redirect fails the request ('connection') instead of being followed (connection tests). */
  readonly followRedirects?: boolean;
}

export interface ChatStreamOptions {
  readonly temperature?: number;
  /** Aborting ends the stream quietly (the iteration just stops): a barge-in, not a failure. */
  readonly signal?: AbortSignal;
  /** Longest wait for the first or the next chunk (default 60 s) → ChatCompletionError 'timeout'. */
  readonly idleTimeoutMs?: number;
}

/** Why a completion failed: the callers map these to the original's answers. `aborted`: the caller's signal fired. */
export type ChatCompletionFailure = 'timeout' | 'connection' | 'status' | 'aborted' | 'other';

/**
 * `retriable`: connection errors, 5xx and 429 (N.E.K.O. retries those with 1 s / 2 s waits);
 * a time-out is its own kind (proactive chat answers 504 for it).
 */
export class ChatCompletionError extends Error {
  constructor(
    message: string,
    readonly kind: ChatCompletionFailure,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChatCompletionError';
  }

  get retriable(): boolean {
    return this.kind === 'connection' || (this.kind === 'status' && (this.status === 429 || (this.status ?? 0) >= 500));
  }
}

export interface ChatCompletionPort {
  /** One non-streaming completion; the reply text ('' when the model sent none). Throws ChatCompletionError. */
  complete(endpoint: ChatEndpoint, messages: readonly ChatCompletionMessage[], options?: ChatCompletionOptions): Promise<string>;
  /**
   * A streamed completion (`stream: true`): the content deltas in order. Reasoning fields
   * (`reasoning_content` …) are not content and are skipped. Throws ChatCompletionError, also mid-stream.
   */
  stream(endpoint: ChatEndpoint, messages: readonly ChatCompletionMessage[], options?: ChatStreamOptions): AsyncIterable<string>;
}

export const CHAT_COMPLETION = Symbol('CHAT_COMPLETION');

/** Largest delay a Node timer honours: a longer one fires at once (with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A caller-given time limit made safe for setTimeout: `fallback` when absent or not a number,
 * then whole milliseconds within [1, min(max, MAX_TIMER_MS)].
 */
export function clampTimeoutMs(value: number | undefined, fallback: number, max: number = MAX_TIMER_MS): number {
  const ms = typeof value === 'number' && !Number.isNaN(value) ? value : fallback;
  return Math.max(1, Math.min(Math.floor(ms), Math.min(max, MAX_TIMER_MS)));
}

/** The first missing part of an endpoint (blank counts as missing; a loopback server needs no key), or undefined. */
export function endpointGap(e: Pick<ChatEndpoint, 'model' | 'apiKey' | 'baseUrl'>): 'model' | 'url' | 'key' | undefined {
  if (!e.model?.trim()) return 'model';
  if (!e.baseUrl?.trim()) return 'url';
  if (!e.apiKey?.trim() && !isLoopbackUrl(e.baseUrl)) return 'key';
  return undefined;
}

/** An endpoint can be called: a model, a URL and a key (a local server on loopback may go without one). */
export function isEndpointUsable(e: Pick<ChatEndpoint, 'model' | 'apiKey' | 'baseUrl'>): boolean {
  return endpointGap(e) === undefined;
}
