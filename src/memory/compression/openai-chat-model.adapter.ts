import { Injectable } from '@nestjs/common';
import type OpenAI from 'openai';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { ModelApiConfig } from '../../shared/config/core-config.derive';
import { ChatModelError, type ChatModelPort, type ChatTurn, type MemoryModelTier } from './chat-model.port';

const LOOPBACK = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;

/** Any OpenAI-compatible /chat/completions endpoint, resolved from core_config for every call. */
@Injectable()
export class OpenAiChatModelAdapter implements ChatModelPort {
  private readonly clients = new Map<string, OpenAI>();

  constructor(private readonly coreConfig: CoreConfigService) {}

  async isConfigured(tier: MemoryModelTier): Promise<boolean> {
    const cfg = await this.coreConfig.modelConfig(tier);
    return Boolean(cfg.model && cfg.baseUrl && (cfg.apiKey || LOOPBACK.test(cfg.baseUrl)));
  }

  async complete(tier: MemoryModelTier, messages: readonly ChatTurn[], options: { temperature: number; signal?: AbortSignal }): Promise<string> {
    const cfg = await this.coreConfig.modelConfig(tier);
    if (!(await this.isConfigured(tier))) throw new ChatModelError(`no ${tier} model is configured`, false);
    const sdk = await import('openai');
    try {
      const res = await this.client(sdk, cfg).chat.completions.create(
        { model: cfg.model, messages: messages.map((m) => ({ role: m.role, content: m.content })), temperature: options.temperature, ...(cfg.extraBody ?? {}) },
        { signal: options.signal },
      );
      return res.choices[0]?.message?.content ?? '';
    } catch (err) {
      if (err instanceof sdk.APIConnectionError) throw new ChatModelError(err.message, true);
      if (err instanceof sdk.APIError) throw new ChatModelError(err.message, err.status === 429 || (err.status ?? 0) >= 500);
      throw new ChatModelError((err as Error).message, false);
    }
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
