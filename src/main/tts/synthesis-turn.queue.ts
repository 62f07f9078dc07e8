/**
 * One provider socket speaks one sentence at a time: each synthesis waits until the one before it
 * has finished (or was abandoned), in call order. The wait starts when the caller begins to
 * iterate, as the speech output does at once. A synthesis given up before its first `next()`
 * (`return()`/`throw()` on the iterator) still releases its turn: a generator that never started
 * would never run its `finally`.
 */
export class SynthesisTurnQueue {
  private turn: Promise<unknown> = Promise.resolve();

  run<T>(speak: () => AsyncGenerator<T>): AsyncIterable<T> {
    const previous = this.turn;
    let release: () => void = () => undefined;
    this.turn = new Promise<void>((resolve) => (release = resolve));
    const inner = (async function* () {
      try {
        await previous;
        yield* speak();
      } finally {
        release();
      }
    })();
    // Releasing twice is harmless (a promise resolves once).
    const outer: AsyncIterableIterator<T> = {
      next: () => inner.next(),
      return: async (value?: unknown) => {
        try {
          return await inner.return(value as never);
        } finally {
          release();
        }
      },
      throw: async (err?: unknown) => {
        try {
          return await inner.throw(err);
        } finally {
          release();
        }
      },
      [Symbol.asyncIterator]: () => outer,
    };
    return outer;
  }
}
