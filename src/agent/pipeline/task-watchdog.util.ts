import { boundText, RESULT_LIMITS, type ChannelResult } from '../adapters/agent-channel.port';

/** A failed result carrying `error` as summary and error text. */
export function failure(error: string): ChannelResult {
  return { success: false, summary: boundText(error, RESULT_LIMITS.summary), detail: '', error: boundText(error, RESULT_LIMITS.error) };
}

/**
 * `work`, unless it overruns: past `timeoutMs + graceMs` the controller is aborted and a time-out failure is
 * returned; once aborted (cancel, end_all), the work gets `graceMs` to return before a cancellation failure
 * stands in. Adapters are meant to stop on their own; this only keeps a stuck one from blocking its queue.
 */
export async function withWatchdog(work: Promise<ChannelResult>, controller: AbortController, timeoutMs: number, graceMs: number): Promise<ChannelResult> {
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    timers.push(t);
  };
  const timedOut = new Promise<ChannelResult>((resolve) =>
    later(timeoutMs + graceMs, () => {
      controller.abort();
      resolve(failure(`timed out after ${timeoutMs} ms`));
    }),
  );
  const abandoned = new Promise<ChannelResult>((resolve) => {
    const onAbort = () => later(graceMs, () => resolve(failure('cancelled')));
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, timedOut, abandoned]);
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}
