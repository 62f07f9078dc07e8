import { Semaphore } from './browser-context.semaphore';

describe('Semaphore', () => {
  it('lets `limit` holders in, queues the rest in order and hands slots over on release', async () => {
    const slots = new Semaphore(2);
    const a = await slots.acquire();
    const b = await slots.acquire();
    const order: string[] = [];
    const c = slots.acquire().then((release) => (order.push('c'), release));
    const d = slots.acquire().then((release) => (order.push('d'), release));
    expect(slots.queued).toBe(2);
    a();
    a(); // a second call must not free another slot
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(slots.inUse).toBe(2);
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(slots.inUse).toBe(0);
  });

  it('drops a waiter whose signal fires, without taking a slot', async () => {
    const slots = new Semaphore(1);
    const held = await slots.acquire();
    const abort = new AbortController();
    const waiting = slots.acquire(abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow('aborted');
    expect(slots.queued).toBe(0);
    held();
    expect(slots.inUse).toBe(0);
    await expect(slots.acquire(abort.signal)).rejects.toThrow('aborted');
    expect(() => new Semaphore(0)).toThrow();
  });
});
