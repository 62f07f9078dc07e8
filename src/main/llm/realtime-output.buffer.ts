/**
 * Ordering helpers of the realtime session. The reply's transcript is held back until the user's
 * own transcription of the turn arrived (the user bubble comes first, spec §6.4), but never longer
 * than `holdMs`; provider audio arrives as base64 of arbitrary length and goes out as whole samples.
 */

const MAX_HELD = 10_000;

export class TranscriptGate {
  private awaiting = false;
  private held: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly holdMs: number,
    /** Called after each release (the transcription arrived or the hold limit passed). */
    private readonly onRelease: () => void = () => undefined,
  ) {}

  /** The user finished a turn: its transcription is due, reply text waits for it. */
  expectTranscript(): void {
    this.awaiting = true;
  }

  get isHolding(): boolean {
    return this.awaiting && this.held.length > 0;
  }

  /** Runs `emit` now, or after the transcription (or the hold limit). */
  deliver(emit: () => void): void {
    if (!this.awaiting) return emit();
    this.held.push(emit);
    if (!this.timer) this.timer = setTimeout(() => this.release(), this.holdMs);
    if (this.held.length >= MAX_HELD) this.release();
  }

  /** The transcription arrived (or waiting is over): everything held goes out in order. */
  release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.awaiting = false;
    const held = this.held;
    this.held = [];
    for (const emit of held) emit();
    this.onRelease();
  }

  /** Session closed: held output is dropped. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
    this.awaiting = false;
  }
}

/** base64 PCM16 pieces → even-length Buffers; an odd trailing byte waits for the next piece. */
export class PcmCarry {
  private carry: Buffer | undefined;

  push(base64: string): Buffer | undefined {
    const bytes = Buffer.from(base64, 'base64');
    const all = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    this.carry = undefined;
    const even = all.length - (all.length % 2);
    if (even < all.length) this.carry = all.subarray(even);
    return even > 0 ? all.subarray(0, even) : undefined;
  }

  reset(): void {
    this.carry = undefined;
  }
}

export type ReplyDeltaKind = 'text' | 'transcript';

/** One reply's text so far (for the repetition check) and which delta kinds it already produced. */
export class ReplyProgress {
  private text = '';
  private readonly seen = new Set<ReplyDeltaKind>();

  /** Records a delta; true when it is the first of its kind in this reply. */
  add(delta: string, kind: ReplyDeltaKind): boolean {
    this.text += delta;
    const first = !this.seen.has(kind);
    this.seen.add(kind);
    return first;
  }

  has(kind: ReplyDeltaKind): boolean {
    return this.seen.has(kind);
  }

  /** Starts the next reply; the finished reply's text. */
  reset(): string {
    const text = this.text;
    this.text = '';
    this.seen.clear();
    return text;
  }
}
