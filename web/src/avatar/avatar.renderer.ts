/**
 * What each renderer module (vrm-avatar.ts, live2d-avatar.ts) hands the factory: the factory owns
 * the canvas, the animation loop, the size and the page's visibility; a renderer only draws.
 * Also what both renderers share: pixel ratio, emotion words, blink and expression timing.
 */
import type { AvatarSource, MountOptions } from './avatar.port';

export interface AvatarRenderer {
  setMouth(open: number): void;
  setEmotion(emotion: string): void;
  /** The drawing size in CSS pixels (the renderer applies the device pixel ratio). */
  resize(width: number, height: number): void;
  /** Advances the animation by `seconds` and draws one frame. */
  frame(seconds: number): void;
  dispose(): void;
}

export type RendererLoader = (canvas: HTMLCanvasElement, source: AvatarSource, options: MountOptions) => Promise<AvatarRenderer>;

/** Pixel ratio for drawing: sharp on high-density screens, but bounded (a preview needs less). */
export function drawingRatio(options: MountOptions): number {
  return Math.min(window.devicePixelRatio || 1, options.preview ? 1.5 : 2);
}

/** The emotions the pages send (from /api/emotion/analysis), in the words the models use. */
export type Emotion = 'happy' | 'sad' | 'angry' | 'surprised' | 'relaxed' | 'neutral';

const SYNONYMS: Record<string, Emotion> = {
  happy: 'happy', joy: 'happy', fun: 'happy', smile: 'happy', excited: 'happy',
  sad: 'sad', sorrow: 'sad', grief: 'sad', upset: 'sad',
  angry: 'angry', anger: 'angry', annoyed: 'angry',
  surprised: 'surprised', surprise: 'surprised', shock: 'surprised', shocked: 'surprised',
  relaxed: 'relaxed', calm: 'relaxed', content: 'relaxed', shy: 'relaxed',
};

/** Any emotion word → one of ours; unknown words are neutral. */
export function normalizeEmotion(emotion: string): Emotion {
  return SYNONYMS[emotion.trim().toLowerCase()] ?? 'neutral';
}

/** How long an emotion shows before the face settles back to neutral. */
export const EMOTION_SECONDS = 4.5;

// Timing of faces: blinks at random, natural intervals and expressions that fade in and out.

/** Blink weight (0 open … 1 closed) over time: every 2–6 s, sometimes twice in a row. */
export class Blinker {
  private wait = 1.5;
  private phase = -1;

  constructor(private readonly random: () => number = Math.random) {}

  update(seconds: number): number {
    if (this.phase < 0) {
      this.wait -= seconds;
      if (this.wait > 0) return 0;
      this.phase = 0;
    }
    this.phase += seconds;
    const closing = 0.07;
    const opening = 0.11;
    if (this.phase < closing) return this.phase / closing;
    if (this.phase < closing + opening) return 1 - (this.phase - closing) / opening;
    this.phase = -1;
    this.wait = this.random() < 0.18 ? 0.12 : 2 + this.random() * 4;
    return 0;
  }
}

/** A weight that eases in, holds for a while, then eases out. */
export class Fader {
  private weight = 0;
  private hold = 0;

  constructor(
    private readonly fadeIn: number,
    private readonly fadeOut: number,
  ) {}

  show(seconds: number): void {
    this.hold = seconds;
  }

  hide(): void {
    this.hold = 0;
  }

  update(seconds: number): number {
    this.hold = Math.max(0, this.hold - seconds);
    const target = this.hold > 0 ? 1 : 0;
    const rate = seconds / (target > this.weight ? this.fadeIn : this.fadeOut);
    this.weight = target > this.weight ? Math.min(target, this.weight + rate) : Math.max(target, this.weight - rate);
    return this.weight * this.weight * (3 - 2 * this.weight); // smoothstep: no sudden start or stop
  }
}
