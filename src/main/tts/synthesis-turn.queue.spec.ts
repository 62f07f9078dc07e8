import { SynthesisTurnQueue } from './synthesis-turn.queue';

async function* slow(label: string, log: string[]): AsyncGenerator<string> {
  log.push(`start ${label}`);
  await new Promise((r) => setTimeout(r, 5));
  yield label;
  log.push(`end ${label}`);
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('SynthesisTurnQueue', () => {
  it('runs syntheses one after another in call order', async () => {
    const q = new SynthesisTurnQueue();
    const log: string[] = [];
    const [a, b] = await Promise.all([collect(q.run(() => slow('a', log))), collect(q.run(() => slow('b', log)))]);
    expect([a, b]).toEqual([['a'], ['b']]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('a synthesis given up before its first next() (return or throw) releases its turn and never runs', async () => {
    const q = new SynthesisTurnQueue();
    const log: string[] = [];
    const abandoned = q.run(() => slow('never', log))[Symbol.asyncIterator]();
    await abandoned.return?.();
    const thrown = q.run(() => slow('thrown', log))[Symbol.asyncIterator]();
    await expect(thrown.throw?.(new Error('gone'))).rejects.toThrow('gone');
    const later = await Promise.race([collect(q.run(() => slow('later', log))), new Promise((r) => setTimeout(() => r('hung'), 500))]);
    expect(later).toEqual(['later']);
    expect(log).toEqual(['start later', 'end later']);
  });

  it('a synthesis left at a yield releases its turn', async () => {
    const q = new SynthesisTurnQueue();
    const log: string[] = [];
    for await (const x of q.run(() => slow('first', log))) {
      expect(x).toBe('first');
      break;
    }
    expect(await collect(q.run(() => slow('second', log)))).toEqual(['second']);
  });
});
