/** The LLM the memory server uses (summaries, review, fact extraction), behind a port. */
export type MemoryModelTier = 'summary' | 'correction';

export interface ChatTurn {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatModelPort {
  /** Whether the tier has an endpoint at all (no key and no local URL = not configured). */
  isConfigured(tier: MemoryModelTier): Promise<boolean>;
  /** One non-streaming completion; throws ChatModelError. */
  complete(tier: MemoryModelTier, messages: readonly ChatTurn[], options: { temperature: number; signal?: AbortSignal }): Promise<string>;
}

export const CHAT_MODEL = Symbol('CHAT_MODEL');

/** `retriable`: connection errors, 5xx and 429 (N.E.K.O. backs off 1 s, 2 s); others fail at once. */
export class ChatModelError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}
