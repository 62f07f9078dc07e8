/** Tuning of AgentStatusService (tests shorten the waits). */
export interface AgentStatusOptions {
  /** Capability re-check period while the analyzer is on. */
  readonly refreshIntervalMs: number;
  /** How long enabling a flag waits for its check before answering "on, checking". */
  readonly checkBudgetMs: number;
  /** Upper bound of one adapter readiness() call. */
  readonly readinessTimeoutMs: number;
  /** How long disabling the analyzer waits for the end-all hooks. */
  readonly endAllWaitMs: number;
}

export const AGENT_STATUS_OPTIONS = Symbol('AGENT_STATUS_OPTIONS');
export const AGENT_STATUS_DEFAULTS: AgentStatusOptions = { refreshIntervalMs: 30_000, checkBudgetMs: 400, readinessTimeoutMs: 20_000, endAllWaitMs: 4_000 };

/** A type (not an interface) so that it fits the snapshot's `{code, [key]: unknown}` input. */
export type AgentNotification = {
  readonly code: string;
  readonly details: Record<string, unknown>;
};
