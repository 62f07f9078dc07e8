/**
 * Speech of one chat session (spec main-server.md §7): assistant text deltas in, audio frames out,
 * in order. Built by the engine at session start when the session uses TTS (text mode always;
 * voice mode with a custom voice). Text is cut into sentences as it streams, so the first audio
 * leaves after the first sentence, not after the whole reply.
 */

/** Where the audio goes: one binary WebSocket frame per chunk. */
export interface SpeechSink {
  /**
   * PCM16LE mono 48 kHz (even length, > 4 bytes) or whole Ogg/Opus pages (bytes 0–3 `OggS`),
   * in the order spoken.
   */
  audio(chunk: Buffer, speechId: string): void;
}

export interface SpeechOutput {
  /** Connects the provider (if any); resolves true when ready, false after a failure or 8 s (never throws). */
  start(): Promise<boolean>;
  /**
   * A text delta of utterance `speechId`. A new id abandons the previous utterance at once (its
   * queued and in-flight audio is dropped, its synthesis aborted).
   */
  push(speechId: string, text: string): void;
  /** End of the current utterance: the text still buffered is spoken (N.E.K.O.'s `(None, None)`). */
  endUtterance(): void;
  /** Barge-in: drop everything queued or being synthesised; later pushes start afresh. */
  interrupt(): void;
  /** Stops for good (session end). Idempotent. */
  close(): Promise<void>;
}

export interface SpeechOutputRequest {
  readonly lanlanName: string;
  /** The character's custom voice (CosyVoice), '' for none. */
  readonly voiceId: string;
  /** Hint for the offline voice when the text does not tell (Latin text). */
  readonly language?: 'zh' | 'en' | 'ja' | 'ko';
}

/** Chooses the TTS from the configuration on disk now (custom tier, provider, else offline espeak-ng). */
export interface SpeechOutputFactory {
  create(request: SpeechOutputRequest, sink: SpeechSink): Promise<SpeechOutput>;
}

export const SPEECH_OUTPUT_FACTORY = Symbol('SPEECH_OUTPUT_FACTORY');
