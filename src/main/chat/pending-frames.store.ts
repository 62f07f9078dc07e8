/** Frames that arrive while a session is starting (spec §5.3), replayed in order once it runs. */

export const MAX_PENDING_FRAMES = 2000;
export const MAX_PENDING_BYTES = 8 * 1024 * 1024;

type Frame = Record<string, unknown>;

/** Rough memory weight of a frame: what its data costs as JSON. */
export function frameWeight(frame: Frame): number {
  const data = frame.data;
  if (typeof data === 'string') return data.length * 2 + 64;
  if (Array.isArray(data)) return data.length * 8 + 64;
  return 64;
}

const isAudio = (frame: Frame): boolean => frame.input_type === 'audio';

/**
 * Bounded FIFO: over MAX_PENDING_FRAMES frames or MAX_PENDING_BYTES, the oldest microphone frame goes
 * first (a lost 10 ms of audio matters less than a lost text message), then the oldest of any kind.
 */
export class PendingFrames {
  private frames: Array<{ frame: Frame; weight: number }> = [];
  private bytes = 0;
  private droppedCount = 0;

  constructor(
    private readonly maxFrames = MAX_PENDING_FRAMES,
    private readonly maxBytes = MAX_PENDING_BYTES,
  ) {}

  get size(): number {
    return this.frames.length;
  }

  /** How many frames were dropped to stay within bounds since the last clear. */
  get dropped(): number {
    return this.droppedCount;
  }

  push(frame: Frame): void {
    const weight = frameWeight(frame);
    if (weight > this.maxBytes) {
      this.droppedCount += 1;
      return;
    }
    this.frames.push({ frame, weight });
    this.bytes += weight;
    while (this.frames.length > this.maxFrames || this.bytes > this.maxBytes) this.evictOne();
  }

  shift(): Frame | undefined {
    const entry = this.frames.shift();
    if (!entry) return undefined;
    this.bytes -= entry.weight;
    return entry.frame;
  }

  /** Takes every frame out, in arrival order. */
  drain(): Frame[] {
    const frames = this.frames.map((e) => e.frame);
    this.frames = [];
    this.bytes = 0;
    return frames;
  }

  clear(): void {
    this.frames = [];
    this.bytes = 0;
    this.droppedCount = 0;
  }

  private evictOne(): void {
    let index = this.frames.findIndex((e) => isAudio(e.frame));
    if (index < 0) index = 0;
    const [entry] = this.frames.splice(index, 1);
    this.bytes -= entry.weight;
    this.droppedCount += 1;
  }
}
