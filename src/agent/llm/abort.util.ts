/**
 * Cancellation helpers shared by the agent's model callers and channel adapters: give up on a promise
 * when a signal fires (whether or not the work behind it honours the signal), bound a wait in time,
 * and sleep abortably.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { clampTimeoutMs } from '../../shared/llm/chat-completion.port';
import { AgentLlmError } from './agent-llm.port';

/** The default rejection of an aborted wait (kind 'aborted', as every agent model call reports it). */
export function abortedError(): AgentLlmError {
  return new AgentLlmError('the operation was cancelled', 'aborted');
}

/**
 * `promise`, or a rejection with `onAbort()` as soon as `signal` fires. The abandoned promise keeps
 * handlers, so its later failure never becomes an unhandled rejection; the listener is always removed.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error = abortedError): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    promise.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * `promise`, rejected with `Error("<what> took longer than <ms> ms")` after `ms`, or with abortedError()
 * when `signal` fires first. The timer is cleared either way.
 */
export async function withinTime<T>(promise: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  const limit = clampTimeoutMs(ms, 60_000);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${limit} ms`)), limit);
  });
  // The loser of the race must not surface as an unhandled rejection.
  late.catch(() => undefined);
  try {
    return await untilAborted(Promise.race([promise, late]), signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms` (clamped to the timer range); rejects with abortedError() when `signal` fires. No listener outlives it. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw abortedError();
  try {
    await delay(clampTimeoutMs(ms, 0), undefined, { signal, ref: false });
  } catch (err) {
    if (signal?.aborted) throw abortedError();
    throw err;
  }
}
