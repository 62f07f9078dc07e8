import { ESPEAK_WAV_PATH } from '../audio/audio-task.contract';
import { runEspeak } from './espeak-ng.runtime';
import { toPcm48kFrames } from './pcm48k-chunk.stream';
import { speakableInput } from './sentence.splitter';
import { isAborted, TtsError, type TtsLanguage, type TtsPort, type TtsSynthesizeOptions } from './tts.port';
import { parseWav, WavFormatError } from './wav-riff.parser';

/** Longest text spoken in one call; longer text is cut at the last word or punctuation before it. */
export const ESPEAK_MAX_INPUT_CHARS = 600;

/** espeak-ng voices by language (all in the npm build's embedded data). */
const VOICES: Record<TtsLanguage, string> = { zh: 'cmn', en: 'en-us', ja: 'ja', ko: 'ko' };

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const KANA = /[\u3040-\u30ff]/u;
const HANGUL = /[\uac00-\ud7af\u1100-\u11ff]/u;

export interface EspeakNgAdapterOptions {
  /** Words per minute (espeak-ng's default is 175). */
  readonly wordsPerMinute?: number;
  /** The engine runner (tests replace it to exercise failures). */
  readonly runEngine?: typeof runEspeak;
}

/**
 * The offline default voice: espeak-ng compiled to WASM (npm `espeak-ng`, GPL-3.0-or-later), no
 * download and no key. Chinese, Japanese and Korean text picks its voice by script, other text
 * the `language` hint or American English. The engine writes a 22050 Hz WAV, resampled here to
 * 48 kHz and yielded in 100 ms frames. A call takes about 0.3 s (a fresh WASM instance per call);
 * an abort during it discards the result.
 */
export class EspeakNgAdapter implements TtsPort {
  constructor(private readonly options: EspeakNgAdapterOptions = {}) {}

  async *synthesize(text: string, opts: TtsSynthesizeOptions = {}): AsyncIterable<Buffer> {
    const input = espeakInput(text);
    if (input === undefined || isAborted(opts.signal)) return;
    const args = espeakArgs(input, opts.language, this.options.wordsPerMinute);
    let wav: Uint8Array;
    try {
      wav = await (this.options.runEngine ?? runEspeak)(args, ESPEAK_WAV_PATH);
    } catch (err) {
      throw new TtsError('engine_failed', `espeak-ng could not speak: ${(err as Error).message}`, { retriable: false, cause: err });
    }
    if (isAborted(opts.signal)) return;
    let frames: Buffer[];
    try {
      const { pcm, sampleRate } = parseWav(wav);
      frames = toPcm48kFrames(pcm, sampleRate);
    } catch (err) {
      if (!(err instanceof WavFormatError)) throw err;
      throw new TtsError('bad_audio', `espeak-ng wrote an unreadable WAV: ${err.message}`, { retriable: false, cause: err });
    }
    for (const frame of frames) {
      if (isAborted(opts.signal)) return;
      yield frame;
    }
  }
}

/** The text espeak-ng speaks (whitespace folded, cut to ESPEAK_MAX_INPUT_CHARS), or undefined when nothing in it is speakable. */
export function espeakInput(text: string): string | undefined {
  return speakableInput(text.replace(/\s+/gu, ' '), ESPEAK_MAX_INPUT_CHARS);
}

/**
 * espeak-ng CLI arguments for one sentence (`input` from espeakInput): voice by script/hint, the
 * WAV written to ESPEAK_WAV_PATH (where the worker and the main-thread adapter read it), the rate.
 */
export function espeakArgs(input: string, language?: TtsLanguage, wordsPerMinute?: number): string[] {
  const args = ['-v', espeakVoiceFor(input, language), '-w', ESPEAK_WAV_PATH];
  if (wordsPerMinute !== undefined) args.push('-s', String(Math.round(wordsPerMinute)));
  // A leading space keeps text such as "-x" from being read as an option.
  args.push(` ${input}`);
  return args;
}

/** The espeak-ng voice for `text`: by script (the hint only tells Japanese kanji from Chinese), else American English. */
export function espeakVoiceFor(text: string, hint?: TtsLanguage): string {
  if (KANA.test(text)) return VOICES.ja;
  if (HANGUL.test(text)) return VOICES.ko;
  if (HAN.test(text)) return hint === 'ja' ? VOICES.ja : VOICES.zh;
  // Latin text, whatever the hint: most likely English words, also inside a CJK conversation.
  return VOICES.en;
}
