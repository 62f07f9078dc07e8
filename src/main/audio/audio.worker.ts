/**
 * The task dispatcher of the audio worker pool (Piscina loads this file's default export in each
 * worker thread). Two kinds of work leave the event loop of the main server:
 *
 * - `resample`: one chunk of a stream whose state travels with the task (Pcm16leResamplerStream.step),
 *   so any thread can take the next chunk and no thread keeps per-session state;
 * - `espeak`: one sentence of the offline voice (espeak-ng WASM, 0.15–0.3 s of CPU): the engine's
 *   22050 Hz WAV resampled to 48 kHz PCM16 in the same task. The WASM is read and compiled once
 *   per worker thread (espeak-ng.runtime caches it) and reused by every call.
 *
 * Keep the imports small: every worker thread loads them at start.
 */
import { ESPEAK_WAV_PATH, resampleChunks, type AudioTask, type EspeakResult, type EspeakTask, type ResampleResult } from './audio-task.contract';
import { Pcm16leResamplerStream } from './pcm16le-resampler.stream';
import { runEspeak, warmUpEspeak } from '../tts/espeak-ng.runtime';
import { parseWav } from '../tts/wav-riff.parser';

const OUTPUT_RATE = 48_000;

function espeak(task: EspeakTask): Promise<EspeakResult> {
  const started = performance.now();
  return runEspeak(task.args, ESPEAK_WAV_PATH)
    .then((wav) => {
      const { pcm, sampleRate } = parseWav(wav);
      const pcm48k = sampleRate === OUTPUT_RATE ? pcm : Pcm16leResamplerStream.step({ inRate: sampleRate, outRate: OUTPUT_RATE }, pcm, true).bytes;
      return { pcm48k, engineMs: performance.now() - started };
    })
    .catch(plainError);
}

/** Error subclasses with own fields do not survive the structured clone back to the caller: send a plain Error. */
function plainError(err: unknown): never {
  throw new Error(err instanceof Error ? err.message : String(err));
}

/** Piscina's entry point: one task in, its result out (errors travel back as rejections). */
export default function audioTask(task: AudioTask): ResampleResult | Uint8Array | Promise<EspeakResult | true> {
  switch (task.kind) {
    case 'resample':
      return resampleChunks(task);
    case 'espeak':
      return espeak(task);
    case 'warmup':
      return warmUpEspeak().then(() => true as const);
    case 'echo':
      return task.bytes;
  }
}
