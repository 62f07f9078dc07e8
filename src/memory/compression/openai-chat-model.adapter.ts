import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type OpenAI from 'openai';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { ModelApiConfig } from '../../shared/config/core-config.derive';
import { ChatModelError, type ChatModelPort, type ChatTurn, type MemoryModelTier } from './chat-model.port';

const LOOPBACK = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;

/**
 * Any OpenAI-compatible /chat/completions endpoint, resolved from core_config for every call.
 * When the server stops, calls in flight are aborted and new ones refused (not retriable): the
 * turns are already stored, and background summaries must not hold the shutdown for minutes.
 */
@Injectable()
export class OpenAiChatModelAdapter implements ChatModelPort, OnModuleDestroy {
  private readonly clients = new Map<string, OpenAI>();
  private readonly stopping = new AbortController();

  constructor(private readonly coreConfig: CoreConfigService) {}

  async isConfigured(tier: MemoryModelTier): Promise<boolean> {
    const cfg = await this.coreConfig.modelConfig(tier);
    return Boolean(cfg.model && cfg.baseUrl && (cfg.apiKey || LOOPBACK.test(cfg.baseUrl)));
  }

  async complete(tier: MemoryModelTier, messages: readonly ChatTurn[], options: { temperature: number; signal?: AbortSignal }): Promise<string> {
    const cfg = await this.coreConfig.modelConfig(tier);
    if (!(await this.isConfigured(tier))) throw new ChatModelError(`no ${tier} model is configured`, false);
    if (this.stopping.signal.aborted) throw new ChatModelError('the memory server is stopping', false);
    const sdk = await import('openai');
    // One controller per call, its listeners removed afterwards: AbortSignal.any against the
    // process-lifetime stopping signal leaks on Node 20 (nodejs/node#55351).
    const call = new AbortController();
    const sources = [this.stopping.signal, ...(options.signal ? [options.signal] : [])];
    const abort = (e: Event) => call.abort((e.target as AbortSignal).reason);
    for (const source of sources) {
      if (source.aborted) call.abort(source.reason);
      else source.addEventListener('abort', abort, { once: true });
    }
    const signal = call.signal;
    try {
      const res = await this.client(sdk, cfg).chat.completions.create(
        { model: cfg.model, messages: messages.map((m) => ({ role: m.role, content: m.content })), temperature: options.temperature, ...(cfg.extraBody ?? {}) },
        { signal },
      );
      return res.choices[0]?.message?.content ?? '';
    } catch (err) {
      if (this.stopping.signal.aborted) throw new ChatModelError('the memory server is stopping', false);
      if (err instanceof sdk.APIConnectionError) throw new ChatModelError(err.message, true);
      if (err instanceof sdk.APIError) throw new ChatModelError(err.message, err.status === 429 || (err.status ?? 0) >= 500);
      throw new ChatModelError((err as Error).message, false);
    } finally {
      for (const source of sources) source.removeEventListener('abort', abort);
    }
  }

  onModuleDestroy(): void {
    this.stopping.abort();
  }

  /** The SDK is loaded on first use: a memory server without a configured model never pays for it. */
  private client(sdk: typeof import('openai'), cfg: ModelApiConfig): OpenAI {
    const key = `${cfg.baseUrl}\n${cfg.apiKey}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new sdk.OpenAI({ baseURL: cfg.baseUrl, apiKey: cfg.apiKey || 'none', maxRetries: 0, timeout: 60_000 });
      this.clients.set(key, client);
    }
    return client;
  }
}
