/**
 * The TTS port: text in, PCM16LE mono 48 kHz out (spec main-server.md §4.4), chunk by chunk.
 *
 * Task-shaped on purpose: one call speaks one piece of text (a sentence from the
 * SentenceSplitter), so a session abandons old speech by aborting the calls it started.
 */

/** Every adapter yields this rate: what the browser's player expects (§4.4). */
export const TTS_OUTPUT_SAMPLE_RATE = 48_000;

/** About 100 ms of 48 kHz PCM16 mono per yielded chunk. */
export const TTS_CHUNK_BYTES = (TTS_OUTPUT_SAMPLE_RATE / 10) * 2;

/** Languages the session may hint; adapters also look at the text itself. */
export type TtsLanguage = 'zh' | 'en' | 'ja' | 'ko';

export interface TtsSynthesizeOptions {
  /** Provider voice name (`alloy`, …); adapters without voices ignore it. */
  readonly voice?: string;
  /** Hint for text without a telling script (Latin text could be any language). */
  readonly language?: TtsLanguage;
  /**
   * Aborting stops the synthesis quickly: the iterable then ends without yielding anything more
   * and without an error (a new user turn abandoning old speech is not a failure).
   */
  readonly signal?: AbortSignal;
}

export interface TtsPort {
  /**
   * Speaks `text`: PCM16LE mono 48 kHz chunks, each of even byte length (never empty, never
   * ≤ 4 bytes: the UI would try to decode a heartbeat-sized frame). Fails with a TtsError.
   */
  synthesize(text: string, opts?: TtsSynthesizeOptions): AsyncIterable<Buffer>;
}

export type TtsErrorCode = 'unauthorized' | 'rate_limited' | 'provider_error' | 'bad_request' | 'network' | 'timeout' | 'bad_audio' | 'engine_failed';

export interface TtsErrorOptions {
  readonly retriable: boolean;
  /** HTTP status of the provider's answer, if there was one. */
  readonly status?: number;
  /** The provider's `retry-after-ms` / `retry-after`, when it sent one. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/** Why a synthesis failed; `retriable` says whether the same request may work later. */
export class TtsError extends Error {
  readonly retriable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    readonly code: TtsErrorCode,
    message: string,
    options: TtsErrorOptions,
  ) {
    super(message, { cause: options.cause });
    this.name = 'TtsError';
    this.retriable = options.retriable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `signal` was aborted; typed helper so loops read naturally. */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
