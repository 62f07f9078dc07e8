/**
 * What the pages need from an avatar, whichever renderer draws it (VRM through three.js and
 * @pixiv/three-vrm, Live2D through pixi-live2d-display). The companion page and the models page
 * preview both go through mountAvatar (avatar.factory.ts).
 */
export type AvatarKind = 'vrm' | 'live2d';

export interface AvatarSource {
  readonly kind: AvatarKind;
  /** URL of the .vrm file, or of the Live2D model's model.json / model3.json. */
  readonly url: string;
  /** Shown to the user (model name). */
  readonly name: string;
  /** True for the avatar the project builds (no model chosen yet). */
  readonly isDefault?: boolean;
}

export interface MountOptions {
  /** Smaller quality settings and no idle gestures: the models page's preview. */
  readonly preview?: boolean;
  readonly signal?: AbortSignal;
}

export interface Avatar {
  readonly kind: AvatarKind;
  readonly source: AvatarSource;
  readonly canvas: HTMLCanvasElement;
  /** Mouth opening 0–1, called every animation frame by the lip sync while audio plays. */
  setMouth(open: number): void;
  /** An emotion from /api/emotion/analysis (happy, sad, angry, surprised, neutral, …): expression and motion. */
  setEmotion(emotion: string): void;
  /** Re-fits the drawing to its container (the factory also watches the container's size). */
  resize(): void;
  /** Stops rendering and frees the WebGL context. */
  dispose(): void;
}

/** Thrown when a model cannot be shown; the message is already translated and says what to do. */
export class AvatarError extends Error {
  constructor(
    message: string,
    readonly reason: 'cubism4-core-missing' | 'webgl-unavailable' | 'load-failed',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AvatarError';
  }
}
