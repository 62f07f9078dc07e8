/** What a test queues for the fake provider. Items are consumed in order; `times` repeats one. */

export interface ScriptedError {
  /** HTTP status: 400, 401, 404, 429, 500, 503 … */
  readonly status: number;
  readonly message?: string;
  /** Seconds for the Retry-After header of a 429/503 (a short `retry-after-ms` is sent too). */
  readonly retryAfterMs?: number;
}

export interface ScriptedToolCall {
  readonly name: string;
  /** JSON text or an object (serialised) */
  readonly arguments: string | Record<string, unknown>;
  readonly id?: string;
}

export interface ChatStep {
  readonly content?: string;
  readonly toolCalls?: readonly ScriptedToolCall[];
  readonly error?: ScriptedError;
  /** Wait before answering (or between stream chunks when streaming, see chunkDelayMs). */
  readonly delayMs?: number;
  /** Characters per streamed content chunk (default 4). */
  readonly chunkSize?: number;
  readonly chunkDelayMs?: number;
  readonly finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  readonly times?: number;
}

export interface EndpointStep {
  readonly error?: ScriptedError;
  readonly delayMs?: number;
  readonly times?: number;
}

export interface RealtimeTurn {
  /** What the fake "hears" when the user's speech ends or the buffer is committed. */
  readonly transcript?: string;
  /** What the model answers in the next response. */
  readonly reply?: string;
  readonly times?: number;
}

type Queue<T> = Array<{ step: T; left: number }>;

function take<T extends { times?: number }>(queue: Queue<T>): T | undefined {
  const head = queue[0];
  if (!head) return undefined;
  head.left--;
  if (head.left <= 0) queue.shift();
  return head.step;
}

function push<T extends { times?: number }>(queue: Queue<T>, steps: readonly T[]): void {
  for (const step of steps) queue.push({ step, left: Math.max(1, step.times ?? 1) });
}

/** Per-endpoint queues. Unscripted requests get the default behaviour. */
export class FakeScript {
  private readonly chatQueue: Queue<ChatStep> = [];
  private readonly embeddingQueue: Queue<EndpointStep> = [];
  private readonly speechQueue: Queue<EndpointStep> = [];
  private readonly transcriptQueue: Queue<RealtimeTurn> = [];
  private readonly replyQueue: Queue<RealtimeTurn> = [];

  chat(...steps: ChatStep[]): this {
    push(this.chatQueue, steps);
    return this;
  }

  embeddings(...steps: EndpointStep[]): this {
    push(this.embeddingQueue, steps);
    return this;
  }

  speech(...steps: EndpointStep[]): this {
    push(this.speechQueue, steps);
    return this;
  }

  /** Queues realtime turns: the transcript is used at the end of speech, the reply at the next response. */
  realtime(...turns: RealtimeTurn[]): this {
    push(this.transcriptQueue, turns.filter((t) => t.transcript !== undefined));
    push(this.replyQueue, turns.filter((t) => t.reply !== undefined));
    return this;
  }

  nextChat(): ChatStep | undefined {
    return take(this.chatQueue);
  }
  nextEmbeddings(): EndpointStep | undefined {
    return take(this.embeddingQueue);
  }
  nextSpeech(): EndpointStep | undefined {
    return take(this.speechQueue);
  }
  nextTranscript(): string | undefined {
    return take(this.transcriptQueue)?.transcript;
  }
  nextReply(): string | undefined {
    return take(this.replyQueue)?.reply;
  }

  reset(): void {
    for (const q of [this.chatQueue, this.embeddingQueue, this.speechQueue, this.transcriptQueue, this.replyQueue]) q.length = 0;
  }
}
