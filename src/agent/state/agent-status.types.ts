/** Tuning of AgentStatusService (tests shorten the waits). */
export interface AgentStatusOptions {
  /** Capability re-check period while the analyzer is on. */
  readonly refreshIntervalMs: number;
  /** How long enabling a flag waits for its check before answering "on, checking". */
  readonly checkBudgetMs: number;
  /** Upper bound of one adapter readiness() call. */
  readonly readinessTimeoutMs: number;
  /** How long an availability answer waits for its fresh check before answering from the stored state. */
  readonly availabilityWaitMs: number;
  /** How long end_all / disabling the analyzer waits for the end-all hooks (one budget for both). */
  readonly endAllWaitMs: number;
}

/**
 * The one end-all wait budget: below main's 5 s /admin/control time-out (and its 8 s command one), so
 * the answer comes before main gives up. The runner waits as long for running tasks, and gives an
 * aborted adapter as much grace before it frees the lane.
 */
export const END_ALL_WAIT_MS = 4_000;

export const AGENT_STATUS_OPTIONS = Symbol('AGENT_STATUS_OPTIONS');
/**
 * The waits of answers main gives up on: POST /agent/flags (main: 0.7 s, after a core_config read) and the
 * availability endpoints (main: 1.5 s, after the gate read) answer well within them.
 */
export const AGENT_STATUS_DEFAULTS: AgentStatusOptions = {
  refreshIntervalMs: 30_000,
  checkBudgetMs: 250,
  readinessTimeoutMs: 20_000,
  availabilityWaitMs: 1_000,
  endAllWaitMs: END_ALL_WAIT_MS,
};

/** A type (not an interface) so that it fits the snapshot's `{code, [key]: unknown}` input. */
export type AgentNotification = {
  readonly code: string;
  readonly details: Record<string, unknown>;
};
