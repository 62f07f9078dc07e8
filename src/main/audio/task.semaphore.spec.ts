import { TaskSemaphore } from './task.semaphore';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('TaskSemaphore', () => {
  it('runs at most `limit` tasks at once, the rest in call order', async () => {
    const s = new TaskSemaphore(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, i) => s.run(async () => (started.push(i), await g.promise, i)));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([s.running, s.queued]).toEqual([2, 1]);
    gates[0].resolve();
    await runs[0];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[1].resolve();
    gates[2].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect([s.running, s.queued]).toEqual([0, 0]);
  });

  it('frees the slot when a task fails; an aborted waiter leaves the line and never runs', async () => {
    const s = new TaskSemaphore(1);
    await expect(s.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const gate = deferred();
    const first = s.run(() => gate.promise);
    const c = new AbortController();
    let ran = false;
    const waiting = s.run(() => {
      ran = true;
      return Promise.resolve();
    }, c.signal);
    expect(s.queued).toBe(1);
    c.abort(new Error('abandoned'));
    await expect(waiting).rejects.toThrow('abandoned');
    expect(s.queued).toBe(0);
    gate.resolve();
    await first;
    expect(ran).toBe(false);
    expect(s.running).toBe(0);
    await expect(s.run(() => Promise.resolve(1), c.signal)).rejects.toThrow('abandoned');
    expect(() => new TaskSemaphore(0)).toThrow(RangeError);
  });
});
