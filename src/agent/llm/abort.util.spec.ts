import { getEventListeners } from 'node:events';
import { AgentLlmError } from './agent-llm.port';
import { sleep, untilAborted, withinTime } from './abort.util';

const never = () => new Promise<never>(() => undefined);
const kindOf = (e: unknown) => (e instanceof AgentLlmError ? e.kind : e instanceof Error ? e.message : String(e));

describe('abort helpers', () => {
  it('untilAborted passes results and failures through and gives up when the signal fires', async () => {
    await expect(untilAborted(Promise.resolve(1), undefined)).resolves.toBe(1);
    const ctrl = new AbortController();
    await expect(untilAborted(Promise.resolve(2), ctrl.signal)).resolves.toBe(2);
    await expect(untilAborted(Promise.reject(new Error('boom')), ctrl.signal)).rejects.toThrow('boom');
    const pending = untilAborted(never(), ctrl.signal).catch(kindOf);
    ctrl.abort();
    expect(await pending).toBe('aborted');
    await expect(untilAborted(never(), ctrl.signal, () => new Error('custom')).catch(kindOf)).resolves.toBe('custom');
  });

  it('leaves no abort listener behind once the wait is over', async () => {
    const ctrl = new AbortController();
    await untilAborted(Promise.resolve('x'), ctrl.signal);
    await untilAborted(Promise.reject(new Error('x')), ctrl.signal).catch(() => undefined);
    await withinTime(Promise.resolve('y'), 1000, 'x', ctrl.signal);
    await sleep(1, ctrl.signal);
    expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(0);
  });

  it('withinTime ends a hanging wait after the limit, and on abort', async () => {
    await expect(withinTime(Promise.resolve('ok'), 1000, 'describe')).resolves.toBe('ok');
    await expect(withinTime(never(), 20, 'describe()')).rejects.toThrow('describe() took longer than 20 ms');
    const ctrl = new AbortController();
    const pending = withinTime(never(), 60_000, 'describe', ctrl.signal).catch(kindOf);
    ctrl.abort();
    expect(await pending).toBe('aborted');
    // A limit beyond the timer range does not fire at once.
    await expect(withinTime(new Promise((r) => setTimeout(() => r('slow'), 50)), 3e9, 'x')).resolves.toBe('slow');
  });

  it('sleep waits, and rejects as aborted when the signal fires or has fired', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
    const ctrl = new AbortController();
    const pending = sleep(60_000, ctrl.signal).catch(kindOf);
    ctrl.abort();
    expect(await pending).toBe('aborted');
    await expect(sleep(1, ctrl.signal).catch(kindOf)).resolves.toBe('aborted');
  });
});
