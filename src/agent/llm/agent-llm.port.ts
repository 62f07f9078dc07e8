/**
 * The agent's one door to the models (spec §12.3): assessments, the dedup judge and the planner use
 * the `summary` tier; computer use and browser use the vision-capable `agent` tier. Endpoints come
 * from core_config on every call, so a changed API key applies to the next call.
 */
import type { ChatCompletionMessage } from '../../shared/llm/chat-completion.port';

export type { ChatCompletionMessage, ChatContentPart } from '../../shared/llm/chat-completion.port';

export type AgentModelTier = 'summary' | 'agent';

export const AGENT_LLM = Symbol('AGENT_LLM');

export interface AgentLlmCallOptions {
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** Per attempt (default 60 s, at most 10 min). */
  readonly timeoutMs?: number;
  /** Aborting stops waiting and further attempts → AgentLlmError 'aborted'. */
  readonly signal?: AbortSignal;
  /** Attempts on connection errors, 429 and 5xx (default 3, waits 1 s then 2 s). */
  readonly attempts?: number;
}

/**
 * `not_configured`: the tier has no model, URL or key (`reason` holds the AGENT_* code);
 * `unreachable`: connection errors / 429 / 5xx after every attempt; `status`: another HTTP error;
 * `timeout`; `parse`: the reply held no JSON value (completeJson only); `aborted`.
 */
export type AgentLlmFailure = 'not_configured' | 'unreachable' | 'status' | 'timeout' | 'parse' | 'aborted';

export class AgentLlmError extends Error {
  constructor(
    message: string,
    readonly kind: AgentLlmFailure,
    readonly reason?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AgentLlmError';
  }
}

export interface AgentLlmReadiness {
  readonly ready: boolean;
  /** '' when ready, else AGENT_MODEL_NOT_CONFIGURED / AGENT_URL_NOT_CONFIGURED / AGENT_KEY_NOT_CONFIGURED / AGENT_LLM_UNREACHABLE. */
  readonly reason: string;
}

export interface AgentLlmPort {
  /** The reply text. Throws AgentLlmError. */
  complete(tier: AgentModelTier, messages: readonly ChatCompletionMessage[], options?: AgentLlmCallOptions): Promise<string>;
  /**
   * complete() and then a tolerant JSON read of the reply (code fences, prose around the value,
   * `<think>` blocks): the first JSON object or array found. No retry on a parse failure.
   */
  completeJson(tier: AgentModelTier, messages: readonly ChatCompletionMessage[], options?: AgentLlmCallOptions): Promise<unknown>;
  /** Configuration check, then a cached connectivity probe (a 5-token completion, re-probed after 60 s or invalidate()). */
  readiness(tier: AgentModelTier): Promise<AgentLlmReadiness>;
  /** Forget probe results (POST /notify_config_changed). */
  invalidate(): void;
}
