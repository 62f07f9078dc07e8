import { SerialQueue } from './serial-queue.util';

/** Resolves after `depth` microtask turns. */
async function microtasks(depth: number): Promise<void> {
  for (let i = 0; i < depth; i++) await Promise.resolve();
}

describe('SerialQueue', () => {
  it('handles items one at a time in arrival order, and goes on after a failing item', async () => {
    const order: string[] = [];
    let running = 0;
    const errors: unknown[] = [];
    const q = new SerialQueue<string>(
      async (item) => {
        running++;
        expect(running).toBe(1);
        await new Promise((r) => setTimeout(r, 5));
        order.push(item);
        running--;
        if (item === 'b') throw new Error('boom');
      },
      (err) => errors.push(err),
    );
    q.push('a');
    q.push('b');
    q.push('c');
    await q.idle();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(errors).toHaveLength(1);
  });

  // The gap: the drain found the queue empty and returned, but its handle was not yet cleared. A push at any
  // microtask depth after the last item finished must still be handled (and idle() must wait for it).
  it.each(Array.from({ length: 12 }, (_, depth) => depth))('does not strand an item pushed %i microtasks after the last one ended', async (depth) => {
    const handled: string[] = [];
    const q = new SerialQueue<string>((item) => {
      handled.push(item);
      if (item === 'first') void microtasks(depth).then(() => q.push('late'));
      return Promise.resolve();
    });
    q.push('first');
    await q.idle();
    await microtasks(depth + 2);
    await q.idle();
    expect(handled).toEqual(['first', 'late']);
    expect(q.length).toBe(0);
  });

  it('clear drops the waiting items only; dropOldest removes the head', async () => {
    const handled: number[] = [];
    let release!: () => void;
    const q = new SerialQueue<number>(async (n) => {
      if (n === 1) await new Promise<void>((r) => (release = r));
      handled.push(n);
    });
    q.push(1);
    q.push(2);
    q.push(3);
    q.push(4);
    expect(q.dropOldest()).toBe(2);
    expect(q.clear()).toBe(2);
    release();
    await q.idle();
    expect(handled).toEqual([1]);
  });
});
