import { Injectable } from '@nestjs/common';
import type OpenAI from 'openai';
import {
  ChatCompletionError,
  clampTimeoutMs,
  type ChatCompletionMessage,
  type ChatCompletionOptions,
  type ChatCompletionPort,
  type ChatEndpoint,
  type ChatStreamOptions,
} from './chat-completion.port';

const DEFAULT_TIMEOUT_MS = 60_000;
/** Longest time limit a caller may ask for (one request or one stream gap). */
const MAX_TIMEOUT_MS = 30 * 60_000;
const MAX_CLIENTS = 16;
/** A streamed reply longer than this is cut (a runaway model must not fill the memory). */
const MAX_STREAM_CHARS = 200_000;

type Sdk = typeof import('openai');
type Messages = OpenAI.Chat.Completions.ChatCompletionMessageParam[];

/** Any OpenAI-compatible `POST <base_url>/chat/completions`, through the official SDK. */
@Injectable()
export class OpenAiChatCompletionAdapter implements ChatCompletionPort {
  private readonly clients = new Map<string, OpenAI>();

  async complete(endpoint: ChatEndpoint, messages: readonly ChatCompletionMessage[], options: ChatCompletionOptions = {}): Promise<string> {
    // Loaded on first use: a main server whose user never enables these features never pays for it.
    const sdk = await import('openai');
    // Checked before any timer exists: nothing is left behind for a call that never starts.
    if (options.signal?.aborted) throw new ChatCompletionError('aborted', 'aborted');
    const body = {
      model: endpoint.model,
      messages: messages as unknown as Messages,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
      ...(endpoint.extraBody ?? {}),
    };
    // Our own deadline (the original's asyncio.wait_for): the SDK reports its own time-outs as plain
    // connection errors, and a time-out must be told apart (proactive chat answers 504 for it).
    const timeoutMs = clampTimeoutMs(options.timeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const onAbort = () => deadline.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.client(sdk, endpoint).chat.completions.create(body, {
        signal: deadline.signal,
        timeout: timeoutMs + 1000,
        maxRetries: 0,
        ...(options.followRedirects === false ? { fetchOptions: { redirect: 'error' as const } } : {}),
      });
      const content = res.choices?.[0]?.message?.content;
      return typeof content === 'string' ? content : '';
    } catch (err) {
      if (options.signal?.aborted) throw new ChatCompletionError('aborted', 'aborted');
      throw classify(sdk, err, endpoint.apiKey, deadline.signal.aborted ? `no answer within ${timeoutMs} ms` : undefined);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async *stream(endpoint: ChatEndpoint, messages: readonly ChatCompletionMessage[], options: ChatStreamOptions = {}): AsyncIterable<string> {
    const sdk = await import('openai');
    if (options.signal?.aborted) return;
    const idleMs = clampTimeoutMs(options.idleTimeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    const inner = new AbortController();
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        inner.abort();
      }, idleMs);
    };
    const onAbort = () => inner.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const body = {
      model: endpoint.model,
      messages: messages as unknown as Messages,
      stream: true as const,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(endpoint.extraBody ?? {}),
    };
    let total = 0;
    try {
      arm();
      const stream = await this.client(sdk, endpoint).chat.completions.create(body, { signal: inner.signal, timeout: idleMs + 1000, maxRetries: 0 });
      for await (const chunk of stream) {
        arm();
        const content = chunk.choices?.[0]?.delta?.content;
        if (typeof content !== 'string' || content === '') continue;
        total += content.length;
        if (total > MAX_STREAM_CHARS) return;
        yield content;
      }
    } catch (err) {
      if (options.signal?.aborted && !idle) return;
      throw classify(sdk, err, endpoint.apiKey, idle ? `no data within ${idleMs} ms` : undefined);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      inner.abort(); // ends the HTTP response when the caller stopped iterating early
    }
  }

  private client(sdk: Sdk, endpoint: ChatEndpoint): OpenAI {
    const key = `${endpoint.baseUrl}\n${endpoint.apiKey}`;
    let client = this.clients.get(key);
    if (!client) {
      if (this.clients.size >= MAX_CLIENTS) this.clients.clear();
      client = new sdk.OpenAI({ baseURL: endpoint.baseUrl, apiKey: endpoint.apiKey || 'none', maxRetries: 0, timeout: DEFAULT_TIMEOUT_MS });
      this.clients.set(key, client);
    }
    return client;
  }
}

/** Secrets an error text may echo (providers repeat the header or the key in their messages) → '***'. */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = text;
  const key = apiKey?.trim();
  if (key && key.length >= 4) out = out.split(key).join('***');
  return out.replace(/Bearer\s+\S+/gi, 'Bearer ***').replace(/sk-[A-Za-z0-9_-]{8,}/g, '***');
}

/** SDK errors → ChatCompletionError (messages redacted); `timedOut` set = our own deadline fired. */
function classify(sdk: Sdk, err: unknown, apiKey: string, timedOut: string | undefined): ChatCompletionError {
  if (err instanceof ChatCompletionError) return err;
  const redact = (text: string) => redactSecrets(text, apiKey);
  if (timedOut !== undefined || err instanceof sdk.APIConnectionTimeoutError) return new ChatCompletionError(timedOut ?? 'request timed out', 'timeout');
  if (err instanceof sdk.APIConnectionError) return new ChatCompletionError(redact(err.message), 'connection');
  if (err instanceof sdk.APIError) {
    // A stream cut mid-way surfaces as an APIError without status: that is a connection problem.
    if (typeof err.status !== 'number') return new ChatCompletionError(redact(err.message), 'connection');
    return new ChatCompletionError(redact(err.message), 'status', err.status);
  }
  const message = redact(err instanceof Error ? err.message : String(err));
  // undici / node stream errors when the TCP connection drops mid-body (not always of this realm's Error)
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (/terminated|ECONNRESET|socket hang up|aborted|premature close|other side closed/i.test(`${message} ${String(cause)}`)) {
    return new ChatCompletionError(message, 'connection');
  }
  return new ChatCompletionError(message, 'other');
}
