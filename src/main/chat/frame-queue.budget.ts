import { frameWeight } from './pending-frames.store';

/** stream_data frames waiting in the engine's queue (a stalled provider): at most this many ... */
export const MAX_QUEUED_FRAMES = 500;
/** ... and about this much memory (frameWeight), whatever their kind. */
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

type Frame = Record<string, unknown>;

/**
 * Admission bound of the engine's queue. Every stream_data frame counts; when the queue fills up,
 * screen/camera frames are refused first (at half the bounds), microphone frames next (at three
 * quarters), text last (at the full bounds): a lost frame of video or 10 ms of audio matters less
 * than a lost message. Control frames (start/end/pause) are always admitted.
 */
export class FrameQueueBudget {
  private frames = 0;
  private bytes = 0;

  constructor(
    private readonly maxFrames = MAX_QUEUED_FRAMES,
    private readonly maxBytes = MAX_QUEUED_BYTES,
  ) {}

  get queuedFrames(): number {
    return this.frames;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** The weight to release once the frame was handled, or undefined when it is dropped. */
  admit(frame: Frame): number | undefined {
    if (frame.action !== 'stream_data') return 0;
    const weight = frameWeight(frame);
    const share = frame.input_type === 'text' ? 1 : frame.input_type === 'audio' ? 0.75 : 0.5;
    // An empty queue takes any one frame (a full-size screenshot is larger than the image share).
    if (this.frames > 0 && (this.frames + 1 > this.maxFrames * share || this.bytes + weight > this.maxBytes * share)) return undefined;
    this.frames += 1;
    this.bytes += weight;
    return weight;
  }

  release(weight: number, frame: Frame): void {
    if (frame.action !== 'stream_data') return;
    this.frames -= 1;
    this.bytes -= weight;
  }
}
