import { Injectable } from '@nestjs/common';
import type OpenAI from 'openai';
import { ChatCompletionError, type ChatCompletionMessage, type ChatCompletionOptions, type ChatCompletionPort, type ChatEndpoint } from './chat-completion.port';

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_CLIENTS = 16;

/** Any OpenAI-compatible `POST <base_url>/chat/completions`, through the official SDK. */
@Injectable()
export class OpenAiChatCompletionAdapter implements ChatCompletionPort {
  private readonly clients = new Map<string, OpenAI>();

  async complete(endpoint: ChatEndpoint, messages: readonly ChatCompletionMessage[], options: ChatCompletionOptions = {}): Promise<string> {
    // Loaded on first use: a main server whose user never enables these features never pays for it.
    const sdk = await import('openai');
    const body = {
      model: endpoint.model,
      messages: messages as unknown as OpenAI.Chat.Completions.ChatCompletionMessageParam[],
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
      ...(endpoint.extraBody ?? {}),
    };
    // Our own deadline (the original's asyncio.wait_for): the SDK reports its own time-outs as plain
    // connection errors, and a time-out must be told apart (proactive chat answers 504 for it).
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      const res = await this.client(sdk, endpoint).chat.completions.create(body, { signal: deadline.signal, timeout: timeoutMs + 1000, maxRetries: 0 });
      const content = res.choices?.[0]?.message?.content;
      return typeof content === 'string' ? content : '';
    } catch (err) {
      if (deadline.signal.aborted || err instanceof sdk.APIConnectionTimeoutError) throw new ChatCompletionError(`no answer within ${timeoutMs} ms`, 'timeout');
      if (err instanceof sdk.APIConnectionError) throw new ChatCompletionError(err.message, 'connection');
      if (err instanceof sdk.APIError) throw new ChatCompletionError(err.message, 'status', typeof err.status === 'number' ? err.status : undefined);
      throw new ChatCompletionError(err instanceof Error ? err.message : String(err), 'other');
    } finally {
      clearTimeout(timer);
    }
  }

  private client(sdk: typeof import('openai'), endpoint: ChatEndpoint): OpenAI {
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
