/**
 * Lip sync from the reply audio: the loudness (RMS) of each animation frame's samples becomes the
 * mouth opening — opening fast on a syllable, closing a little slower, shut in silence.
 */
import type { Avatar } from './avatar.port';

/** Below this RMS the audio counts as silence (breath, the tail of a decoded frame). */
const SILENCE = 0.012;
/** RMS at which the mouth is fully open (normal speech peaks around 0.2–0.3). */
const LOUD = 0.16;
const ATTACK_PER_SECOND = 28;
const RELEASE_PER_SECOND = 11;

/** The mouth target for an RMS level: 0 in silence, eased so that quiet speech still shows. */
export function mouthTarget(rms: number): number {
  if (rms < SILENCE) return 0;
  return Math.min(1, Math.sqrt((rms - SILENCE) / (LOUD - SILENCE)));
}

/** Moves `current` towards `target`, faster when opening; `seconds` since the last frame. */
export function smoothMouth(current: number, target: number, seconds: number): number {
  const rate = target > current ? ATTACK_PER_SECOND : RELEASE_PER_SECOND;
  const next = current + (target - current) * (1 - Math.exp(-rate * seconds));
  return target === 0 && next < 0.02 ? 0 : next;
}

/** Drives `avatar().setMouth` from `analyser` every animation frame; answers a function that stops (and closes the mouth). */
export function startLipSync(analyser: AnalyserNode, avatar: () => Avatar | undefined): () => void {
  const samples = new Float32Array(analyser.fftSize);
  let mouth = 0;
  let last = 0;
  let frame = 0;
  const tick = (now: number) => {
    frame = requestAnimationFrame(tick);
    const seconds = last === 0 ? 1 / 60 : Math.min(0.1, (now - last) / 1000);
    last = now;
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    mouth = smoothMouth(mouth, mouthTarget(Math.sqrt(sum / samples.length)), seconds);
    avatar()?.setMouth(mouth);
  };
  frame = requestAnimationFrame(tick);
  return () => {
    cancelAnimationFrame(frame);
    avatar()?.setMouth(0);
  };
}
