/**
 * The audio of one sentence between its synthesis and its delivery: the synthesis puts frames in
 * as they come, the delivery takes them out in order. Bounded: a synthesis running ahead (the
 * lookahead sentence, not yet delivered) waits when the queue is full, so a runaway provider
 * cannot grow memory without bound.
 */
export class SpeechFrameQueue {
  private frames: Buffer[] = [];
  private ended = false;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(readonly text: string, private readonly maxFrames: number) {}

  get size(): number {
    return this.frames.length;
  }

  /** Adds a frame; resolves when there is room again (at once unless the queue is full). */
  async put(frame: Buffer, signal: AbortSignal): Promise<void> {
    if (this.ended) return;
    this.frames.push(frame);
    this.wakeReader?.();
    while (this.frames.length >= this.maxFrames && !this.ended && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener('abort', done);
          this.wakeWriter = undefined;
          resolve();
        };
        signal.addEventListener('abort', done, { once: true });
        this.wakeWriter = done;
      });
    }
  }

  /** No more frames (synthesis finished, failed or was abandoned). */
  end(): void {
    this.ended = true;
    this.wakeReader?.();
    this.wakeWriter?.();
  }

  /** Drops what is queued and stops both sides. */
  discard(): void {
    this.frames = [];
    this.end();
  }

  /** Frames in order until the synthesis ends. */
  async *drain(): AsyncGenerator<Buffer> {
    for (;;) {
      const frame = this.frames.shift();
      if (frame) {
        this.wakeWriter?.();
        yield frame;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wakeReader = () => {
          this.wakeReader = undefined;
          resolve();
        };
      });
    }
  }
}
