/**
 * Small pieces of the browser-use task loop: bounded timeouts, abortable waits and the result texts.
 */
import { clampTimeoutMs } from '../../../shared/llm/chat-completion.port';
import { untilAborted } from '../../llm/abort.util';
import { boundText, RESULT_LIMITS, type ChannelResult } from '../agent-channel.port';
import type { BrowserAction } from './browser-action.parser';
import type { StepRecord } from './browser-use.prompts';

/** No timer of the channel waits longer (and setTimeout fires at once beyond 2^31−1 ms). */
export const MAX_TIMEOUT_MS = 30 * 60_000;

/** `value` as a usable timeout: a positive number of ms, at most `max`; else `fallback` (also bounded). */
export function clampMs(value: unknown, fallback: number, max: number = MAX_TIMEOUT_MS): number {
  return clampTimeoutMs(typeof value === 'number' && value > 0 ? value : undefined, fallback, max);
}

export const GATHERED_LIMITS = { entry: 1500, total: 4000 } as const;

/** Thrown when the task's signal fired. */
export class Aborted extends Error {}

export interface RunState {
  readonly history: StepRecord[];
  readonly gathered: string[];
  lastPage: string;
}

/** Gives up on `promise` with Aborted as soon as `signal` fires (the shared helper, our error type). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return untilAborted(promise, signal, () => new Aborted());
}

export function finish(action: Extract<BrowserAction, { action: 'done' } | { action: 'fail' }>, state: RunState): ChannelResult {
  if (action.action === 'fail') return failure(`Browser task failed: ${action.reason}`, action.reason, state);
  const result = action.result || 'The browser task is finished.';
  const detail = boundText([action.result, ...state.gathered].filter(Boolean).join('\n\n'), RESULT_LIMITS.detail);
  if (!action.success) return { ...failure(result, result, state), detail };
  return { success: true, summary: boundText(result, RESULT_LIMITS.summary), detail };
}

export function failure(summary: string, error: string, state: RunState): ChannelResult {
  const gathered = state.gathered.join('\n\n') || (state.lastPage ? `Last page: ${state.lastPage}` : '');
  return {
    success: false,
    summary: boundText(summary, RESULT_LIMITS.summary),
    detail: boundText(gathered, RESULT_LIMITS.detail),
    error: boundText(error, RESULT_LIMITS.error),
  };
}

export function cancelled(state: RunState): ChannelResult {
  return failure('Browser task cancelled', 'cancelled', state);
}

export function addGathered(state: RunState, text: string): void {
  state.gathered.push(boundText(text, GATHERED_LIMITS.entry));
  // Keep the newest information when the total grows too large.
  while (state.gathered.length > 1 && state.gathered.reduce((n, g) => n + g.length, 0) > GATHERED_LIMITS.total) state.gathered.shift();
}
