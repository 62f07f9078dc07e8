import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { ModelApiConfig } from '../../shared/config/core-config.derive';
import { CHAT_COMPLETION, ChatCompletionError, clampTimeoutMs, endpointGap, type ChatCompletionPort, type ChatEndpoint } from '../../shared/llm/chat-completion.port';
import { AgentReason } from '../tasks/agent-status.snapshot';
import {
  AgentLlmError,
  type AgentLlmCallOptions,
  type AgentLlmPort,
  type AgentLlmReadiness,
  type AgentModelTier,
  type ChatCompletionMessage,
} from './agent-llm.port';
import { abortedError, sleep, untilAborted } from './abort.util';
import { parseJsonReply } from '../../shared/llm/json-reply.util';

export interface AgentLlmServiceOptions {
  /** Wait before attempt 2, 3, … (spec §12.3: 1 s then 2 s); the last value repeats. */
  readonly retryDelaysMs: readonly number[];
  /** How long a probe result is reused. */
  readonly probeTtlMs: number;
  /** Time limit of the 5-token probe. */
  readonly probeTimeoutMs: number;
  /** Milliseconds clock (tests move it to expire probes). */
  readonly now: () => number;
}

/** Optional overrides of AgentLlmServiceOptions (tests make the waits short). */
export const AGENT_LLM_OPTIONS = Symbol('AGENT_LLM_OPTIONS');

const DEFAULTS: AgentLlmServiceOptions = { retryDelaysMs: [1000, 2000], probeTtlMs: 60_000, probeTimeoutMs: 15_000, now: () => Date.now() };
const DEFAULT_ATTEMPTS = 3;
const MAX_ATTEMPTS = 5;
/** Per-attempt time limit: default, and the most a caller may ask for. */
const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_TIMEOUT_MS = 10 * 60_000;

interface Probe {
  readonly key: string;
  readonly result: Promise<AgentLlmReadiness>;
  /** Set when the probe finished; undefined while it runs (callers share it). */
  at?: number;
}

const GAP_REASON = { model: AgentReason.ModelNotConfigured, url: AgentReason.UrlNotConfigured, key: AgentReason.KeyNotConfigured } as const;

/** Why `cfg` cannot be called, as a capability reason code ('' = usable): isEndpointUsable's verdict, named. */
export function endpointProblem(cfg: Pick<ModelApiConfig, 'model' | 'baseUrl' | 'apiKey'>): string {
  const gap = endpointGap(cfg);
  return gap ? GAP_REASON[gap] : '';
}

/** AgentLlmPort over core_config.json (read on every call) and the shared chat-completion adapter. */
@Injectable()
export class AgentLlmService implements AgentLlmPort {
  private readonly logger = new Logger('AgentLlm');
  private readonly options: AgentLlmServiceOptions;
  private readonly probes = new Map<AgentModelTier, Probe>();

  constructor(
    private readonly core: CoreConfigService,
    @Inject(CHAT_COMPLETION) private readonly chat: ChatCompletionPort,
    @Optional() @Inject(AGENT_LLM_OPTIONS) options?: Partial<AgentLlmServiceOptions>,
  ) {
    this.options = { ...DEFAULTS, ...(options ?? {}) };
  }

  async complete(tier: AgentModelTier, messages: readonly ChatCompletionMessage[], options: AgentLlmCallOptions = {}): Promise<string> {
    const endpoint = await this.endpoint(tier);
    const attempts = Math.min(MAX_ATTEMPTS, Math.max(1, Math.floor(options.attempts ?? DEFAULT_ATTEMPTS)));
    const { signal } = options;
    const timeoutMs = clampTimeoutMs(options.timeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError();
      try {
        const call = this.chat.complete(endpoint, messages, {
          temperature: options.temperature,
          maxTokens: options.maxTokens,
          timeoutMs,
          signal,
        });
        return await untilAborted(call, signal);
      } catch (err) {
        if (err instanceof AgentLlmError) throw err;
        const failure = toAgentError(err, tier);
        const retriable = err instanceof ChatCompletionError && err.retriable;
        if (!retriable || attempt >= attempts) throw failure;
        const delays = this.options.retryDelaysMs;
        const wait = delays.length > 0 ? delays[Math.min(attempt - 1, delays.length - 1)] : 0;
        this.logger.warn(`${tier} model call failed (attempt ${attempt}/${attempts}): ${failure.message}; retrying in ${wait} ms`);
        await sleep(wait, signal);
      }
    }
  }

  async completeJson(tier: AgentModelTier, messages: readonly ChatCompletionMessage[], options: AgentLlmCallOptions = {}): Promise<unknown> {
    const reply = await this.complete(tier, messages, options);
    try {
      return parseJsonReply(reply);
    } catch (err) {
      throw new AgentLlmError(`the ${tier} model's reply is not JSON: ${(err as Error).message}`, 'parse');
    }
  }

  async readiness(tier: AgentModelTier): Promise<AgentLlmReadiness> {
    const cfg = await this.core.modelConfig(tier);
    const problem = endpointProblem(cfg);
    if (problem) return { ready: false, reason: problem };
    // A changed endpoint (new key, new model) must not reuse the old endpoint's probe.
    const key = JSON.stringify([cfg.model, cfg.baseUrl, cfg.apiKey]);
    const cached = this.probes.get(tier);
    const fresh = cached && cached.key === key && (cached.at === undefined || this.options.now() - cached.at < this.options.probeTtlMs);
    if (cached && fresh) return cached.result;
    const probe: Probe = { key, result: this.probe(tier) };
    this.probes.set(tier, probe);
    void probe.result.then(() => {
      probe.at = this.options.now();
    });
    return probe.result;
  }

  invalidate(): void {
    this.probes.clear();
  }

  private async probe(tier: AgentModelTier): Promise<AgentLlmReadiness> {
    try {
      await this.complete(tier, [{ role: 'user', content: 'ping' }], { maxTokens: 5, temperature: 0, timeoutMs: this.options.probeTimeoutMs, attempts: 1 });
      return { ready: true, reason: '' };
    } catch (err) {
      const e = err as AgentLlmError;
      if (e.kind === 'not_configured' && e.reason) return { ready: false, reason: e.reason };
      this.logger.warn(`${tier} model probe failed: ${e.message}`);
      return { ready: false, reason: AgentReason.LlmUnreachable };
    }
  }

  private async endpoint(tier: AgentModelTier): Promise<ChatEndpoint> {
    const cfg = await this.core.modelConfig(tier);
    const problem = endpointProblem(cfg);
    if (problem) throw new AgentLlmError(`the ${tier} model is not configured (${problem})`, 'not_configured', problem);
    return { model: cfg.model, apiKey: cfg.apiKey, baseUrl: cfg.baseUrl, ...(cfg.extraBody ? { extraBody: cfg.extraBody } : {}) };
  }
}

function toAgentError(err: unknown, tier: AgentModelTier): AgentLlmError {
  if (!(err instanceof ChatCompletionError)) return new AgentLlmError(`${tier} model call failed: ${String((err as Error)?.message ?? err)}`, 'unreachable');
  const message = `${tier} model call failed: ${err.message}`;
  if (err.kind === 'aborted') return new AgentLlmError(message, 'aborted');
  if (err.kind === 'timeout') return new AgentLlmError(message, 'timeout');
  if (err.retriable || err.kind === 'other') return new AgentLlmError(message, 'unreachable', undefined, err.status);
  return new AgentLlmError(message, 'status', undefined, err.status);
}
