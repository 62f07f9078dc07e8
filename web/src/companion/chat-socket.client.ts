/**
 * The conversation socket `/ws/{name}` (spec §4.1): JSON text frames both ways, the character's
 * voice as binary frames. Reconnects by itself — 3 s after a drop, backing off to 15 s, and at
 * once when the network comes back or the tab becomes visible — and pings every 30 s. After the
 * server said another window took the conversation it stays closed until `resume()`: reconnecting
 * by itself would take it back, and the two windows would keep stealing it from each other.
 */
export type ConnState = 'connecting' | 'open' | 'closed';

/** A server message (spec §4.3); fields are checked where they are used. */
export interface ServerMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface SocketEvents {
  onMessage(message: ServerMessage): void;
  onAudio(data: ArrayBuffer): void;
  /** `retryInMs` is set while a reconnect is scheduled. */
  onState(state: ConnState, retryInMs?: number): void;
}

const FIRST_RETRY_MS = 3000;
const MAX_RETRY_MS = 15_000;
const PING_MS = 30_000;

export class ChatSocket {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private held = false;

  constructor(
    private name: string,
    private readonly events: SocketEvents,
  ) {
    window.addEventListener('online', () => this.reconnectNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.reconnectNow();
    });
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** True while the conversation belongs to another window (no reconnecting until resume()). */
  get onHold(): boolean {
    return this.held;
  }

  connect(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws/${encodeURIComponent(this.name)}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.events.onState('connecting');
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ action: 'ping' }), PING_MS);
      this.events.onState('open');
    });
    ws.addEventListener('message', (ev: MessageEvent<unknown>) => {
      if (this.ws !== ws) return;
      if (ev.data instanceof ArrayBuffer) {
        this.events.onAudio(ev.data);
        return;
      }
      if (typeof ev.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(ev.data);
      } catch {
        return; // not a protocol frame
      }
      if (parsed && typeof parsed === 'object' && typeof (parsed as ServerMessage).type === 'string') this.events.onMessage(parsed as ServerMessage);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return; // replaced on purpose (character switch)
      this.ws = undefined;
      clearInterval(this.pingTimer);
      if (this.held) {
        this.events.onState('closed');
        return;
      }
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 1.5 ** this.attempt);
      this.attempt += 1;
      this.events.onState('closed', delay);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }

  /** Sends one action; false when the socket is not open. */
  send(message: Record<string, unknown>): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Another window has the conversation: stop reconnecting. */
  hold(): void {
    this.held = true;
  }

  /** Takes the conversation back (the user acted in this window). */
  resume(): void {
    this.held = false;
    this.attempt = 0;
    this.connect();
  }

  /** Follows the conversation to another character (catgirl_switched, character_changed). */
  switchTo(name: string): void {
    const old = this.ws;
    this.ws = undefined;
    this.name = name;
    this.held = false;
    this.attempt = 0;
    clearInterval(this.pingTimer);
    old?.close();
    this.connect();
  }

  private reconnectNow(): void {
    if (this.held || this.ws) return;
    this.attempt = 0;
    this.connect();
  }
}
