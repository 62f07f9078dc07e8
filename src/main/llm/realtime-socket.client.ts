import type { IncomingMessage } from 'node:http';
import type { Logger } from '@nestjs/common';
import { WebSocket, type RawData } from 'ws';
import { LlmError } from './llm-session.port';

/** Largest provider frame accepted (a base64 audio delta is a few KiB; 16 MiB is far beyond any real one). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Microphone audio is dropped while this much is still unsent (a stalled provider must not grow memory). */
const MAX_UNSENT_AUDIO_BYTES = 8 * 1024 * 1024;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT']);

/** A refused WebSocket upgrade (HTTP status instead of 101) → the engine's error kinds. */
export function upgradeRefused(status: number, body: string): LlmError {
  const detail = body.trim().slice(0, 300);
  const text = `realtime connection refused: HTTP ${status}${detail ? ` ${detail}` : ''}`;
  if (status === 401 || status === 403) return new LlmError('unauthorized', text, status);
  if (status === 429) return new LlmError('rate_limited', text, status);
  return new LlmError('other', text, status);
}

/** A socket-level failure before the upgrade (TCP, DNS, TLS). */
export function socketFailure(err: unknown): LlmError {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new LlmError('unreachable', `All connection attempts failed: ${message}`, undefined, { cause: err });
  }
  if (/certificate|TLS|SSL/i.test(message)) return new LlmError('unreachable', `All connection attempts failed: ${message}`, undefined, { cause: err });
  return new LlmError('other', message, undefined, { cause: err });
}

/**
 * Opens `url` with `Authorization: Bearer <key>`; resolves once the upgrade succeeded. Rejects with
 * an LlmError: refused upgrade by status, network failures as 'unreachable', `timeoutMs` as 'timeout'.
 */
export function openRealtimeSocket(url: string, apiKey: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise<WebSocket>((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, {
        headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
        maxPayload: MAX_FRAME_BYTES,
        handshakeTimeout: timeoutMs,
        perMessageDeflate: false,
      });
    } catch (e) {
      reject(new LlmError('not_configured', `invalid realtime URL "${url}": ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    let settled = false;
    const fail = (e: LlmError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined); // a late socket error must not become an unhandled 'error'
      ws.terminate();
      reject(e);
    };
    const timer = setTimeout(() => fail(new LlmError('timeout', `no realtime connection within ${timeoutMs} ms`)), timeoutMs);
    ws.once('unexpected-response', (req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      const done = () => {
        fail(upgradeRefused(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        req.destroy();
      };
      res.once('end', done);
      res.once('error', done);
      res.once('close', done);
    });
    ws.once('error', (err) => fail(socketFailure(err)));
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      resolve(ws);
    });
  });
}

export type Json = Record<string, unknown>;

export function asJson(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** One provider frame → an event object with a string `type`, or undefined (never throws). */
export function parseEvent(data: RawData): Json | undefined {
  try {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const e = asJson(JSON.parse(text));
    return e && typeof e.type === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends the first session.update (`sendUpdate`) and waits for `session.updated`. A provider that
 * only says `session.created` is accepted after a short grace; an `error` event, a close or the
 * time limit reject (the socket is then terminated).
 */
export function awaitSessionReady(ws: WebSocket, sendUpdate: () => void, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let grace: NodeJS.Timeout | undefined;
    const finish = (err?: LlmError) => {
      clearTimeout(limit);
      clearTimeout(grace);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (!err) return resolve();
      ws.terminate();
      reject(err);
    };
    const limit = setTimeout(() => finish(new LlmError('timeout', `no session.updated within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (data: RawData) => {
      const e = parseEvent(data);
      if (e?.type === 'session.updated') finish();
      else if (e?.type === 'session.created' && !grace) grace = setTimeout(() => finish(), 2000);
      else if (e?.type === 'error') {
        const message = asJson(e.error)?.message;
        finish(new LlmError('other', `realtime session refused: ${typeof message === 'string' ? message : 'unknown error'}`));
      }
    };
    const onClose = (code: number, reason: Buffer) => finish(new LlmError('closed', `realtime socket closed while connecting (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    ws.on('message', onMessage);
    ws.on('close', onClose);
    sendUpdate();
  });
}

export interface RealtimeConnectHooks {
  /** The first session.update. */
  readonly firstEvent: Record<string, unknown> & { readonly type: string };
  /** Every provider frame from the upgrade on (so nothing right after session.updated is missed). */
  readonly onMessage: (data: RawData) => void;
  /** The socket closed after the handshake. */
  readonly onClose: (code: number, reason: string) => void;
  /** The session was closed while connecting: give up. */
  readonly cancelled: () => boolean;
}

/** Upgrade, first session.update, wait for the provider's session; the whole within `timeoutMs`. Throws LlmError. */
export async function connectRealtime(url: string, apiKey: string, timeoutMs: number, logger: Logger, hooks: RealtimeConnectHooks): Promise<RealtimeLink> {
  const started = Date.now();
  const ws = await openRealtimeSocket(url, apiKey, timeoutMs);
  if (hooks.cancelled()) {
    ws.terminate();
    throw new LlmError('closed', 'the session was closed while connecting');
  }
  const link = new RealtimeLink(ws, logger);
  ws.on('error', (err) => logger.warn(`realtime socket error: ${err.message}`));
  ws.on('message', hooks.onMessage);
  try {
    await awaitSessionReady(ws, () => link.send(hooks.firstEvent), Math.max(1, timeoutMs - (Date.now() - started)));
  } catch (err) {
    ws.terminate();
    throw err;
  }
  // Closed during the handshake: nobody would ever close this socket.
  if (hooks.cancelled()) {
    ws.terminate();
    throw new LlmError('closed', 'the session was closed while connecting');
  }
  ws.on('close', (code, reason) => hooks.onClose(code, reason.toString()));
  return link;
}

/** An open realtime socket: client events with fresh `event_id`s, and a close that cannot hang. */
export class RealtimeLink {
  private seq = 0;
  private dropping = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly logger: Logger,
  ) {}

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a client event; its event_id, or undefined when the socket is not open. */
  send(event: Record<string, unknown> & { readonly type: string }): string | undefined {
    if (!this.isOpen) return undefined;
    const eventId = `event_${Date.now()}_${++this.seq}`;
    this.ws.send(JSON.stringify({ event_id: eventId, ...event }), (err) => {
      if (err) this.logger.warn(`realtime send failed: ${err.message}`);
    });
    return eventId;
  }

  /** `input_audio_buffer.append`, unless the provider stopped reading (then audio is dropped, not queued). */
  sendAudio(pcm: Buffer): void {
    if (this.ws.bufferedAmount > MAX_UNSENT_AUDIO_BYTES) {
      if (!this.dropping) this.logger.warn('realtime provider is not reading; dropping microphone audio');
      this.dropping = true;
      return;
    }
    this.dropping = false;
    this.send({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') });
  }

  close(): void {
    if (this.ws.readyState > WebSocket.OPEN) return;
    try {
      this.ws.close(1000, 'session ended');
    } catch {
      this.ws.terminate();
    }
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}
