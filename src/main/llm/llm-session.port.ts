/**
 * The conversation port of the chat engine (spec main-server.md §6.4/§6.5): one LlmSession is one
 * provider conversation — a streaming chat-completions history (text mode) or a Realtime-style
 * WebSocket (voice mode). The engine never sees provider wire formats; sessions report what
 * happened through LlmSessionEvents, always on the main thread, in provider order.
 */

export type LlmMode = 'text' | 'audio';

/** What a session tells the engine (N.E.K.O.'s on_* callbacks). */
export interface LlmSessionEvents {
  /** Assistant text delta (text mode; realtime text modality). `<think>` blocks are already removed. */
  textDelta(text: string, isFirst: boolean): void;
  /** Transcript delta of the assistant's native audio (realtime). */
  outputTranscript(text: string, isFirst: boolean): void;
  /** Native assistant audio, PCM16LE mono 24 kHz, even length (realtime, only when nativeAudio). */
  audioDelta(pcm24k: Buffer): void;
  /** The user's words: realtime input transcription, or the text-mode user message itself. */
  inputTranscript(text: string): void;
  /** Provider VAD heard the user start speaking (barge-in: the reply in progress is cancelled). */
  speechStarted(): void;
  /** Provider VAD heard the user stop speaking (N.E.K.O.'s on_new_message). */
  newMessage(): void;
  /** The reply finished (response.done / end of the stream), also after an error or a cancel. */
  responseDone(): void;
  /**
   * Fatal for this session: the socket closed, the key was refused mid-session, the retries ran
   * out. `message` is the text for the user (spec §4.5 raw provider text, 欠费/standing included);
   * the engine maps it, sends the 失联 status and tears the session down.
   */
  connectionError(message: string): void;
  /** Not fatal: a notice such as `连接问题，正在重试...（第N次）` (status only, no teardown). */
  notice(message: string): void;
  /** Three highly similar replies in a row (character-trigram Jaccard ≥ 0.8 with ≥ 2 of the last 3). */
  repetition(): void;
  /** 90 s without user speech (glm/free realtime only). */
  silenceTimeout(): void;
}

export interface LlmConnectOptions {
  /** Realtime: ask the provider for audio (no custom voice); false = text only, our TTS speaks. */
  readonly nativeAudio: boolean;
}

export interface LlmSession {
  readonly mode: LlmMode;
  /** Opens the conversation with these system instructions. Throws LlmError (kinds below). */
  connect(instructions: string, options: LlmConnectOptions): Promise<void>;
  /**
   * Text mode: one user turn. A reply still streaming is stopped first (its partial text stays in
   * the history). Resolves when the new reply has ended (responseDone was emitted).
   */
  streamText(text: string): Promise<void>;
  /**
   * Rate streamAudio expects: 16 kHz for most providers (spec §4.4); 24 kHz for OpenAI's GA
   * realtime API, which takes no other (the original sent it 16 kHz labelled 24 kHz [QUIRK]).
   */
  readonly inputSampleRate: number;
  /** Voice mode: microphone audio, PCM16LE mono at inputSampleRate (the engine resamples once, in the pool). */
  streamAudio(pcm: Buffer): Promise<void>;
  /** A JPEG (base64, no data: prefix): text mode attaches it to the next user turn; voice mode sends it the provider's way. */
  streamImage(jpegBase64: string): Promise<void>;
  /**
   * Extra context for the model from now on (recalled memories): a system message (text) or a
   * system conversation item (realtime). Never produces a reply by itself.
   */
  addContext(text: string): Promise<void>;
  /**
   * A system-side prompt (`SYSTEM_MESSAGE | …`, hot-swap prime, agent report). skipped=true: the
   * model may answer but nothing is reported until its responseDone; skipped=false: the reply is
   * streamed through the events like any other. Resolves when that reply has ended.
   */
  createResponse(text: string, options: { readonly skipped: boolean }): Promise<void>;
  /** Stops the reply in progress (text: abort the stream; realtime: response.cancel). No-op when idle. */
  cancelResponse(): Promise<void>;
  /** Idempotent; after it no event is emitted any more. */
  close(): Promise<void>;
  /** Connected and not closed. */
  readonly isOpen: boolean;
}

/** Why a session could not be opened or used; the engine turns the kind into the §4.5 status. */
export type LlmErrorKind =
  /** No usable endpoint in core_config (no key, no URL, unknown model): tell the user where to set one. */
  | 'not_configured'
  /** 401/403 or a refused key. */
  | 'unauthorized'
  /** 429. */
  | 'rate_limited'
  /** TCP refused / DNS / TLS: "All connection attempts failed". */
  | 'unreachable'
  /** Socket closed or connection reset. */
  | 'closed'
  | 'timeout'
  /** Anything else (5xx, protocol errors, invalid model…). */
  | 'other';

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

export interface LlmSessionRequest {
  readonly mode: LlmMode;
  /** Character name (logs; Qwen/GLM voices are per provider). */
  readonly lanlanName: string;
}

/**
 * Builds sessions from the configuration as it is on disk now (core_config.json re-read on every
 * call, so a setting saved in the UI applies to the next session). Throws LlmError('not_configured').
 */
export interface LlmSessionFactory {
  create(request: LlmSessionRequest, events: LlmSessionEvents): Promise<LlmSession>;
  /** The realtime provider dialect for voice mode (`qwen`, `openai`, `glm`, `step`, `free`, `local`). */
  coreApiType(): Promise<string>;
}

export const LLM_SESSION_FACTORY = Symbol('LLM_SESSION_FACTORY');
