import type { ChannelResult } from '../adapters/agent-channel.port';
import { failure, withWatchdog } from './task-watchdog.util';

const never = new Promise<ChannelResult>(() => undefined);
const ok: ChannelResult = { success: true, summary: 'done', detail: '' };

describe('withWatchdog', () => {
  it('passes the work through when it returns in time', async () => {
    await expect(withWatchdog(Promise.resolve(ok), new AbortController(), 1000, 10)).resolves.toBe(ok);
  });

  it('aborts and fails work that overruns its time limit plus the grace', async () => {
    const controller = new AbortController();
    await expect(withWatchdog(never, controller, 20, 10)).resolves.toEqual(failure('timed out after 20 ms'));
    expect(controller.signal.aborted).toBe(true);
  });

  it('gives aborted work the grace period, then stands in with a cancellation', async () => {
    const controller = new AbortController();
    const stuck = withWatchdog(never, controller, 60_000, 20);
    controller.abort();
    await expect(stuck).resolves.toEqual({ success: false, summary: 'cancelled', detail: '', error: 'cancelled' });
    const polite = new AbortController();
    const returning = new Promise<ChannelResult>((resolve) => polite.signal.addEventListener('abort', () => resolve(failure('stopped'))));
    const run = withWatchdog(returning, polite, 60_000, 1000);
    polite.abort();
    await expect(run).resolves.toEqual(failure('stopped'));
  });
});
