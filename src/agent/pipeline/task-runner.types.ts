import type { AgentChannel, AgentChannelAdapter, ChannelRequest, ChannelResult } from '../adapters/agent-channel.port';
import type { TaskView } from '../tasks/task-registry.types';

/** One task handed to the runner (by the analyzer pipeline or the HTTP API). */
export interface TaskSubmission {
  channel: AgentChannel;
  /** What the user asked for, in words (dedupe key, task_result phrase). */
  description: string;
  request: ChannelRequest;
  lanlan_name: string | null;
  conversation_id?: string;
  /** A multi-step task: the planner runs it over the usable channels. */
  plan?: boolean;
  /** Default: true for computer use, browser use and plans; false for a single MCP tool call (spec §7.5). */
  dedupe?: boolean;
}

export type SubmitOutcome = { status: 'queued'; task: TaskView } | { status: 'duplicate'; matched_id: string | null };

export interface TaskRunnerOptions {
  /** Least time between two progress task_updates of a task (stage changes always go out). */
  readonly progressIntervalMs: number;
  /** Registry sweep period. */
  readonly sweepIntervalMs: number;
  /** How long endAll waits for running tasks to return. */
  readonly endAllWaitMs: number;
  /** Added to a task's timeout before the runner gives up on an adapter that ignores its own limit. */
  readonly watchdogGraceMs: number;
  /** Queued tasks per channel. */
  readonly maxQueuedPerChannel: number;
}

export const TASK_RUNNER_OPTIONS = Symbol('TASK_RUNNER_OPTIONS');
export const TASK_RUNNER_DEFAULTS: TaskRunnerOptions = {
  progressIntervalMs: 250,
  sweepIntervalMs: 60_000,
  endAllWaitMs: 10_000,
  watchdogGraceMs: 5_000,
  maxQueuedPerChannel: 50,
};

/** Time a task may take when the request names no limit (the adapters' own defaults, plans: the planner's). */
export const DEFAULT_TASK_TIMEOUT_MS: Readonly<Record<AgentChannel | 'plan', number>> = {
  mcp: 60_000,
  browser_use: 5 * 60_000,
  computer_use: 5 * 60_000,
  plan: 180_000,
};

/** A task the runner owns from queueing to its terminal state. */
export interface RunnerJob {
  readonly id: string;
  readonly submission: TaskSubmission;
  readonly adapter: AgentChannelAdapter;
  readonly controller: AbortController;
  /** The channel flag was on when the task was queued: switching it off later skips the task. */
  readonly flagOnAtSubmit: boolean;
  /** Direct runs (POST /browser_use/run) are never skipped. */
  readonly direct: boolean;
  state: 'queued' | 'running' | 'done';
  cancelled: boolean;
  readonly finished: Promise<{ task: TaskView; result: ChannelResult }>;
  settle(outcome: { task: TaskView; result: ChannelResult }): void;
}

/** The task params of spec §8.4 (plus MCP's tool and arguments, and the plan marker). */
export function taskParams(s: TaskSubmission): Record<string, unknown> {
  const free = s.channel !== 'mcp' && !s.plan && typeof s.request.instruction === 'string' && s.request.instruction.trim() !== '';
  const params: Record<string, unknown> = { instruction: free ? s.request.instruction : s.description };
  if (s.channel === 'mcp' && !s.plan) {
    if (s.request.action) params.tool = s.request.action;
    if (s.request.args) params.args = s.request.args;
  }
  if (s.plan) params.plan = true;
  return params;
}

export function wantsDedupe(s: TaskSubmission): boolean {
  return s.dedupe ?? (s.plan === true || s.channel !== 'mcp');
}
