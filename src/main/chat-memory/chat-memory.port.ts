/**
 * What the chat engine needs from the memory server (spec main-server.md §8, §10.2): the memory
 * context at session start and hot swap, older memories before a user turn, and the finished
 * turns, which go through a durable on-disk outbox so none is lost and none stored twice.
 */

/** Thrown by newDialog; `message` is the spec's text (❌ 记忆服务未启动！… / 响应超时 / 连接失败). */
export class MemoryUnavailableError extends Error {
  override readonly name = 'MemoryUnavailableError';
}

export interface ChatMemory {
  /** `GET /new_dialog/<name>` decoded to its text (2 s limit). Throws MemoryUnavailableError. */
  newDialog(lanlanName: string): Promise<string>;
  /**
   * Older memories relevant to `userText` from the memory server's search, as one bounded block
   * with dates for the model's context; memories already given in this session (`sessionKey`)
   * are not repeated. '' when there is nothing new or the memory server does not answer quickly.
   * Never throws.
   */
  recall(lanlanName: string, userText: string, sessionKey: string): Promise<string>;
  /** Forget which memories `sessionKey` was given (session end). */
  forgetSession(sessionKey: string): void;
  /** The conversation log of one character (N.E.K.O.'s sync connector). */
  turnLog(lanlanName: string): TurnLog;
}

/** A message for the agent analyzer (spec memory-and-agent-servers.md §8.3). */
export interface AnalyzerMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/**
 * The conversation since the last report (spec §8.2): the engine writes what was said; turn end,
 * renew and session end produce what goes to the agent analyzer and, through the outbox, to
 * `/renew` and `/process`.
 */
export interface TurnLog {
  /** A user utterance (voice transcript or text message). */
  user(text: string): void;
  /** A chunk of the assistant's reply (first chunk of a turn opens it, timestamp prefix added). */
  assistant(text: string): void;
  /** The assistant turn ended: the last ≤ 6 user/assistant messages for the analyzer. */
  turnEnd(): AnalyzerMessage[];
  /** Hot-swap mark: everything so far is persisted to the outbox for `/renew` (then cleared). */
  renew(): Promise<void>;
  /**
   * Session end: persisted to the outbox for `/process` (then cleared); returns the analyzer
   * messages ([] when there was no user message).
   */
  sessionEnd(): Promise<AnalyzerMessage[]>;
}

export const CHAT_MEMORY = Symbol('CHAT_MEMORY');
