/**
 * Items handled one at a time, in arrival order (the analyzer's global lock). A push that lands while the
 * drain is finishing (after it found the queue empty, before it cleared its handle) starts a new drain, so
 * no item is ever left waiting with nothing running. `handle` should not throw; a rejection is passed to
 * `onError` and the next item still runs.
 */
export class SerialQueue<T> {
  private items: T[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly handle: (item: T) => Promise<void>,
    private readonly onError: (err: unknown, item: T) => void = () => undefined,
  ) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    this.kick();
  }

  /** Removes and returns the oldest waiting item (bounded queues drop it). */
  dropOldest(): T | undefined {
    return this.items.shift();
  }

  /** Removes every waiting item (the running one goes on); returns how many were waiting. */
  clear(): number {
    const n = this.items.length;
    this.items = [];
    return n;
  }

  /** Resolves when nothing runs and nothing waits. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running || this.items.length === 0) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (let next = this.items.shift(); next !== undefined; next = this.items.shift()) {
      try {
        await this.handle(next);
      } catch (err) {
        this.onError(err, next);
      }
    }
  }
}
