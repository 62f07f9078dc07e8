/**
 * One provider socket speaks one sentence at a time: each synthesis waits until the one before it
 * has finished (or was abandoned), in call order. The wait starts when the caller begins to
 * iterate, as the speech output does at once.
 */
export class SynthesisTurnQueue {
  private turn: Promise<unknown> = Promise.resolve();

  run<T>(speak: () => AsyncGenerator<T>): AsyncIterable<T> {
    const previous = this.turn;
    let release: () => void = () => undefined;
    this.turn = new Promise<void>((resolve) => (release = resolve));
    return (async function* () {
      try {
        await previous;
        yield* speak();
      } finally {
        release();
      }
    })();
  }
}
