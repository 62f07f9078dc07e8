import { rmsPcm16 } from './pcm-audio.util';

export interface VadEvent {
  readonly kind: 'speech_started' | 'speech_stopped';
  /** Milliseconds of audio appended in this session when it happened (OpenAI's audio_start_ms/audio_end_ms). */
  readonly audioMs: number;
}

const FRAME_MS = 10;

/**
 * Energy-based server VAD: appended pcm16 is cut into 10 ms frames (a partial frame waits for the
 * next append); a frame whose RMS reaches the threshold is speech; `silenceMs` of quiet frames
 * after speech ends the turn.
 */
export class VadDetector {
  private carry = Buffer.alloc(0);
  private elapsedMs = 0;
  private quietMs = 0;
  private speaking = false;

  constructor(private readonly threshold: number) {}

  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** Milliseconds of audio seen so far (also while VAD is off). */
  get audioMs(): number {
    return this.elapsedMs;
  }

  /** Feeds audio; returns the speech boundaries found in it, in order. */
  feed(pcm: Buffer, sampleRate: number, silenceMs: number): VadEvent[] {
    const frameBytes = Math.max(2, Math.round((sampleRate * FRAME_MS) / 1000) * 2);
    let data = this.carry.length > 0 ? Buffer.concat([this.carry, pcm]) : pcm;
    const events: VadEvent[] = [];
    while (data.length >= frameBytes) {
      const level = rmsPcm16(data.subarray(0, frameBytes));
      data = data.subarray(frameBytes);
      this.elapsedMs += FRAME_MS;
      if (level >= this.threshold) {
        this.quietMs = 0;
        if (!this.speaking) {
          this.speaking = true;
          events.push({ kind: 'speech_started', audioMs: this.elapsedMs - FRAME_MS });
        }
      } else if (this.speaking) {
        this.quietMs += FRAME_MS;
        if (this.quietMs >= silenceMs) {
          this.speaking = false;
          this.quietMs = 0;
          events.push({ kind: 'speech_stopped', audioMs: this.elapsedMs });
        }
      }
    }
    this.carry = Buffer.from(data);
    return events;
  }

  /** Counts audio while VAD is off, without detecting anything. */
  skip(pcm: Buffer, sampleRate: number): void {
    this.elapsedMs += (pcm.length / 2 / sampleRate) * 1000;
  }

  /** Forgets a turn in progress (input_audio_buffer.clear, a manual commit, VAD switched off). */
  reset(): void {
    this.carry = Buffer.alloc(0);
    this.speaking = false;
    this.quietMs = 0;
  }
}
