/**
 * WAV files for Chromium's fake microphone (--use-file-for-fake-audio-capture), made at test time.
 * Chromium loops the file from the start at every getUserMedia. The fake provider's server VAD
 * counts a 10 ms frame with RMS ≥ 500 as speech and 500 ms of quiet as the end of a turn, and
 * takes its transcript from the test's script — so "speech" here is a voiced, syllable-modulated
 * tone (harmonics of a wavering ~180 Hz pitch) that Chromium's echo canceller lets through (the
 * page asks for no noise suppression), followed by silence long enough to end the turn.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silencePcm16, wavFromPcm16 } from '../fake-openai/pcm-audio.util';

const MIC_SAMPLE_RATE = 48_000;

/** A voiced, vowel-like sound: 6 harmonics of a pitch wavering around 180 Hz, 4 syllables a second. */
function voicedPcm16(durationMs: number, sampleRate = MIC_SAMPLE_RATE): Buffer {
  const samples = Math.round((durationMs / 1000) * sampleRate);
  const pcm = Buffer.alloc(samples * 2);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    phase += (2 * Math.PI * (180 + 30 * Math.sin(2 * Math.PI * 3 * t))) / sampleRate;
    let v = 0;
    for (let k = 1; k <= 6; k++) v += Math.sin(k * phase) / k;
    const syllables = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v * 0.35 * syllables)) * 32767), i * 2);
  }
  return pcm;
}

export interface Utterance {
  /** Quiet before speaking (the first frames of a fake capture are zeros anyway). */
  readonly leadMs: number;
  readonly speechMs: number;
  /** Quiet after: ≥ 500 ms ends the turn; the file then loops, so this is also the pause before speaking again. */
  readonly silenceMs: number;
}

/** Writes `<dir>/<name>.wav`: lead silence, speech, silence (48 kHz mono s16le); returns its absolute path. */
export function writeUtteranceWav(dir: string, name: string, u: Utterance): string {
  const pcm = Buffer.concat([silencePcm16(u.leadMs, MIC_SAMPLE_RATE), voicedPcm16(u.speechMs), silencePcm16(u.silenceMs, MIC_SAMPLE_RATE)]);
  const path = join(dir, `${name}.wav`);
  writeFileSync(path, wavFromPcm16(pcm, MIC_SAMPLE_RATE));
  return path;
}
