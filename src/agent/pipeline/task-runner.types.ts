import { boundText, type AgentChannel, type AgentChannelAdapter, type ChannelRequest, type ChannelResult } from '../adapters/agent-channel.port';
import { TaskRegistryError, type TaskView } from '../tasks/task-registry.types';
import { END_ALL_WAIT_MS } from '../state/agent-status.types';
import { PLAN_DEFAULTS } from './task-planner.service';
import type { RunnerLane } from './task-channel.lanes';

/** MCP tool arguments larger than this (as JSON) are kept in the task params only as a cut preview string. */
export const MAX_STORED_ARGS_CHARS = 4_096;

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

export interface SubmitOptions {
  /** Aborting it before the task is registered drops the submission (TaskDroppedError). */
  signal?: AbortSignal;
  /**
   * `analyzer`: the task is dropped at its turn when its channel is no longer usable (flag off, not ready).
   * `api` (default, HTTP): it runs if the adapter says ready when its turn comes.
   */
  origin?: 'analyzer' | 'api';
}

/** A submission that was not registered: end_all or shutdown came first, or its signal aborted (HTTP 409). */
export class TaskDroppedError extends TaskRegistryError {
  constructor(reason: string) {
    super('TASK_ILLEGAL_TRANSITION', `task not queued: ${reason}`);
    this.name = 'TaskDroppedError';
  }
}

export interface TaskRunnerOptions {
  /** Least time between two progress task_updates of a task (stage changes always go out). */
  readonly progressIntervalMs: number;
  /** Registry sweep period. */
  readonly sweepIntervalMs: number;
  /** How long endAll waits for running tasks to return (END_ALL_WAIT_MS). */
  readonly endAllWaitMs: number;
  /** Added to a task's timeout before the runner gives up on an adapter that ignores its own limit. */
  readonly watchdogGraceMs: number;
  /** Queued tasks per channel. */
  readonly maxQueuedPerChannel: number;
}

export const TASK_RUNNER_OPTIONS = Symbol('TASK_RUNNER_OPTIONS');
export const TASK_RUNNER_DEFAULTS: TaskRunnerOptions = {
  progressIntervalMs: 250,
  sweepIntervalMs: 30_000,
  endAllWaitMs: END_ALL_WAIT_MS,
  watchdogGraceMs: END_ALL_WAIT_MS,
  maxQueuedPerChannel: 50,
};

/** Time a task may take when the request names no limit (the adapters' own defaults, plans: the planner's). */
export const DEFAULT_TASK_TIMEOUT_MS: Readonly<Record<AgentChannel | 'plan', number>> = {
  mcp: 60_000,
  browser_use: 5 * 60_000,
  computer_use: 5 * 60_000,
  plan: PLAN_DEFAULTS.timeoutMs,
};

/** A task the runner owns from queueing to its terminal state. */
export interface RunnerJob {
  readonly id: string;
  readonly submission: TaskSubmission;
  readonly adapter: AgentChannelAdapter;
  readonly lane: RunnerLane;
  readonly controller: AbortController;
  /** runner epoch at registration: a job of an earlier epoch (before an end_all) never starts. */
  readonly epoch: number;
  /** API runs are not dropped when a flag goes off; they re-check readiness at their turn instead. */
  readonly direct: boolean;
  state: 'queued' | 'running' | 'done';
  cancelled: boolean;
  /** The one task_result of this task went out (or is being written). */
  resultSent: boolean;
  readonly finished: Promise<{ task: TaskView; result: ChannelResult }>;
  settle(outcome: { task: TaskView; result: ChannelResult }): void;
}

/** The task params of spec §8.4 (plus MCP's tool and arguments, and the plan marker). */
export function taskParams(s: TaskSubmission): Record<string, unknown> {
  const free = s.channel !== 'mcp' && !s.plan && typeof s.request.instruction === 'string' && s.request.instruction.trim() !== '';
  const params: Record<string, unknown> = { instruction: free ? s.request.instruction : s.description };
  if (s.channel === 'mcp' && !s.plan) {
    if (s.request.action) params.tool = s.request.action;
    if (s.request.args) {
      const json = safeJson(s.request.args);
      if (json.length <= MAX_STORED_ARGS_CHARS) params.args = s.request.args;
      else params.args_preview = boundText(json, MAX_STORED_ARGS_CHARS);
    }
  }
  if (s.plan) params.plan = true;
  return params;
}

export function wantsDedupe(s: TaskSubmission): boolean {
  return s.dedupe ?? (s.plan === true || s.channel !== 'mcp');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserialisable arguments]';
  }
}

/** Shutdown is bounded by the bootstrap's 3 s grace, which the MCP pool's process clean-up also needs. */
export const SHUTDOWN_WAIT_MS = 1_000;
/** Longest wait for an adapter's readiness when an API task's turn comes. */
export const START_READINESS_MS = 20_000;
