/** One parsed server event of a realtime socket (`type` plus whatever the provider sent). */
export interface RealtimeServerEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

export type InboxWait = { readonly event: RealtimeServerEvent } | { readonly end: 'timeout' | 'aborted' | 'closed' | 'overflow' };

/** More unread events than this means nobody reads them: the socket is given up (bounded memory). */
export const MAX_INBOX_EVENTS = 2048;

/**
 * The events a realtime socket received and nobody has read yet, read one at a time with a
 * deadline and an abort signal. After `close()` (the socket closed) reads drain what is left, then
 * answer `closed`.
 */
export class RealtimeEventInbox {
  private events: RealtimeServerEvent[] = [];
  private wake: (() => void) | undefined;
  private ended: 'closed' | 'overflow' | undefined;
  /** Close code and reason, once closed. */
  closeInfo: { readonly code: number; readonly reason: string } | undefined;

  /** Adds a raw frame; anything but a JSON object with a string `type` is ignored. */
  pushRaw(data: unknown): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') return;
    this.push(parsed as RealtimeServerEvent);
  }

  /** Adds an event already parsed (or made from a binary frame). */
  push(event: RealtimeServerEvent): void {
    if (this.ended === 'overflow') return;
    if (this.events.length >= MAX_INBOX_EVENTS) {
      this.ended = 'overflow';
      this.events = [];
    } else this.events.push(event);
    this.wake?.();
  }

  close(code: number, reason: string): void {
    this.closeInfo ??= { code, reason };
    this.ended ??= 'closed';
    this.wake?.();
  }

  /** Forgets unread events (a new request starts). */
  clear(): void {
    this.events = [];
  }

  async next(timeoutMs: number, signal?: AbortSignal): Promise<InboxWait> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.ended === 'overflow') return { end: 'overflow' };
      const event = this.events.shift();
      if (event) return { event };
      if (this.ended) return { end: this.ended };
      if (signal?.aborted) return { end: 'aborted' };
      const left = deadline - Date.now();
      if (left <= 0) return { end: 'timeout' };
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, left);
        signal?.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
  }
}
