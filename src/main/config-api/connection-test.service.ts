import { Inject, Injectable, Optional } from '@nestjs/common';
import { RUNTIME_ENV } from '../../shared/config/config.tokens';
import type { RuntimeEnv } from '../../shared/config/env.schema';
import { ASSIST_KEY_FIELDS, ASSIST_PROVIDERS, CORE_PROVIDERS } from '../../shared/config/api-providers.const';
import { modelApiConfig } from '../../shared/config/core-config.derive';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { CoreConfigFile, CustomTier } from '../../shared/config/core-config.types';
import { CHAT_COMPLETION, endpointGap, type ChatCompletionPort } from '../../shared/llm/chat-completion.port';
import type { ConnectionTestDto, ConnectionTestResultDto, TestErrorCode } from './connection-test.dto';
import { maskForDisplay } from './core-api.service';
import { probeEndpoint, type ProbeTarget } from './connection-test.probe';

const DEFAULT_TIMEOUT_MS = 8000;
/** Tiers whose model speaks audio, not chat completions: only the key and the list are checked. */
const NOT_CHAT: ReadonlySet<string> = new Set(['core', 'omni', 'tts']);

type KeyOr = (saved: string, savedUrl: string) => string;
type Resolved = Omit<ProbeTarget, 'timeoutMs'> | { readonly code: TestErrorCode; readonly message: string };

/**
 * This machine as a URL host (WHATWG URL already turns 127.1, 2130706433 and 0 into dotted form):
 * IPv4-mapped IPv6 ([::ffff:7f00:1]) and the unspecified addresses reach our ports too.
 */
const THIS_MACHINE = /^(localhost|.*\.localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0|\[::1?\]|\[::ffff:(7f[0-9a-f]{2}:[0-9a-f]{1,4}|0:0)\])$/i;

/** "https://a.example/v1" → "https://a.example" ('' when not a URL): saved keys only go back where they were saved for. */
const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
};

/** A host name as URL.hostname spells it ("PC.lan:48911" → "pc.lan", "fe80::1" → "[fe80::1]"). */
const urlHostname = (name: string): string => {
  const bare = name.trim();
  try {
    return new URL(`http://${/^[^[]*:.*:/.test(bare) ? `[${bare}]` : bare}`).hostname;
  } catch {
    return bare.toLowerCase();
  }
};

const text = (file: CoreConfigFile, key: string): string => {
  const v = file[key];
  return typeof v === 'string' ? v.trim() : '';
};

/**
 * POST /api/config/test_connection: tells the settings page whether a provider or tier answers
 * with the saved or typed settings, without saving anything and without ever returning a key.
 */
@Injectable()
export class ConnectionTestService {
  constructor(
    private readonly coreConfig: CoreConfigService,
    @Inject(CHAT_COMPLETION) private readonly chat: ChatCompletionPort,
    @Optional() @Inject(RUNTIME_ENV) private readonly env?: Pick<RuntimeEnv, 'host' | 'ports'> & Partial<Pick<RuntimeEnv, 'allowedHosts'>>,
  ) {}

  async test(body: ConnectionTestDto): Promise<ConnectionTestResultDto> {
    const resolved = await this.resolve(body);
    if ('code' in resolved) return { ok: false, latency_ms: 0, error_code: resolved.code, message: resolved.message };
    let url: URL;
    try {
      url = new URL(resolved.baseUrl);
    } catch {
      return { ok: false, latency_ms: 0, error_code: 'bad_url', message: 'That is not a web address. It should look like https://api.example.com/v1.' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { ok: false, latency_ms: 0, error_code: 'bad_url', message: `Only http:// and https:// addresses can be tested (this one is ${url.protocol}//).` };
    }
    if (this.isOwnPort(url)) {
      return { ok: false, latency_ms: 0, error_code: 'own_server', message: 'That address is one of N.E.K.O.\'s own servers, not an AI provider.' };
    }
    const gap = endpointGap({ ...resolved, model: resolved.model || '-' });
    if (gap === 'key') return { ok: false, latency_ms: 0, error_code: 'missing_key', message: 'No API key is set for this provider. Type one in (or save it) first.', base_url: resolved.baseUrl };
    return probeEndpoint(this.chat, { ...resolved, timeoutMs: body.timeout_ms ?? DEFAULT_TIMEOUT_MS });
  }

  /**
   * Our own processes are never probed: the test would otherwise let a page make this server send
   * requests (with a saved key) to the memory or agent server.
   */
  private isOwnPort(url: URL): boolean {
    if (!this.env) return false;
    // A trailing dot ("localhost.") names the same host.
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    // The bound address and the LAN names the user allowed (NEKO_ALLOWED_HOSTS) reach our ports too.
    const names = [this.env.host, ...(this.env.allowedHosts ?? [])].map(urlHostname);
    if (!THIS_MACHINE.test(host) && !names.includes(host)) return false;
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return Object.values(this.env.ports).includes(port);
  }

  /** Which URL, key and model the body means (saved values fill what it leaves out). */
  private async resolve(body: ConnectionTestDto): Promise<Resolved> {
    const file = await this.coreConfig.read();
    const tier = body.tier;
    /**
     * A masked key posted back (the page shows saved keys as ****abcd) means the saved one. The saved
     * key is only sent to the host it was saved for: a typed URL elsewhere must come with a typed key.
     */
    const keyOr = (saved: string, savedUrl: string): string => {
      const typed = body.api_key?.trim();
      if (typed && typed !== maskForDisplay(saved)) return typed;
      const typedUrl = body.base_url?.trim();
      return typedUrl && originOf(typedUrl) !== originOf(savedUrl) ? '' : saved;
    };
    if (tier === 'core' || tier === 'assist') return this.provider(tier, body, file, keyOr);
    if (tier !== undefined) {
      const explicit = body.base_url !== undefined || body.model !== undefined || body.api_key !== undefined;
      if (!explicit) return this.savedTier(tier, body, file, keyOr);
      const baseUrl = body.base_url?.trim() ?? text(file, `${tier}ModelUrl`);
      if (!baseUrl) return { code: 'missing_url', message: 'No URL is set for this task. Fill in its API URL first.' };
      return { baseUrl, apiKey: keyOr(text(file, `${tier}ModelApiKey`), text(file, `${tier}ModelUrl`)), model: body.model?.trim() ?? text(file, `${tier}ModelId`), chat: !NOT_CHAT.has(tier) };
    }
    const baseUrl = body.base_url?.trim() ?? '';
    if (!baseUrl) return { code: 'missing_url', message: 'Say what to test: a tier, or a base_url.' };
    return { baseUrl, apiKey: body.api_key?.trim() ?? '', model: body.model?.trim() ?? '', chat: true };
  }

  /** The core or assist provider chosen in the form (or saved). Core keys are checked on the vendor's HTTP API. */
  private provider(tier: 'core' | 'assist', body: ConnectionTestDto, file: CoreConfigFile, keyOr: KeyOr): Resolved {
    const saved = text(file, tier === 'core' ? 'coreApi' : 'assistApi') || 'qwen';
    const name = body.provider?.trim() || saved;
    const coreKey = text(file, 'coreApiKey');
    if (tier === 'core') {
      const profile = Object.hasOwn(CORE_PROVIDERS, name) ? CORE_PROVIDERS[name] : undefined;
      if (!profile) return { code: 'unknown_provider', message: `There is no core provider called "${name}".` };
      // The realtime API is a WebSocket; the same vendor's OpenAI-compatible HTTP API takes the same key.
      const http = Object.hasOwn(ASSIST_PROVIDERS, name) ? ASSIST_PROVIDERS[name] : undefined;
      const baseUrl = body.base_url?.trim() || http?.url || '';
      if (!baseUrl) return { code: 'not_testable', message: 'This provider has no web API to test the key against.' };
      // The saved core key belongs to the saved core provider: another one picked in the form needs its own key.
      const savedKey = profile.coreApiKey ?? (name === saved ? coreKey : '');
      return { baseUrl, apiKey: keyOr(savedKey, http?.url ?? ''), model: body.model?.trim() || profile.coreModel, chat: false };
    }
    const profile = Object.hasOwn(ASSIST_PROVIDERS, name) ? ASSIST_PROVIDERS[name] : undefined;
    if (!profile) return { code: 'unknown_provider', message: `There is no assist provider called "${name}".` };
    const field = ASSIST_KEY_FIELDS[name];
    const savedKey = profile.apiKey ?? ((field ? text(file, field) : '') || coreKey);
    return { baseUrl: body.base_url?.trim() || profile.url, apiKey: keyOr(savedKey, profile.url), model: body.model?.trim() || profile.summaryModel, chat: true };
  }

  /** A custom tier exactly as the app would call it now (its own endpoint when complete, else the provider's). */
  private async savedTier(tier: CustomTier, body: ConnectionTestDto, file: CoreConfigFile, keyOr: KeyOr): Promise<Resolved> {
    const cfg = await this.coreConfig.config();
    const resolved = modelApiConfig(cfg, tier === 'omni' ? 'realtime' : tier === 'tts' ? 'tts_custom' : tier);
    if (!resolved.isCustom && tier === 'omni') return this.provider('core', body, file, keyOr);
    if (!resolved.baseUrl) return { code: 'missing_url', message: 'No URL is set for this task. Fill in its API URL first.' };
    return { baseUrl: resolved.baseUrl, apiKey: resolved.apiKey, model: resolved.model, chat: !NOT_CHAT.has(tier) };
  }
}
