import WebSocket from 'ws';
import type { StreamResampler } from '../audio/audio-pool.port';
import { RealtimeEventInbox, type RealtimeServerEvent } from './realtime-event.inbox';
import { speakableInput } from './sentence.splitter';
import { isAborted, TtsError, type TtsPort, type TtsSynthesizeOptions } from './tts.port';
import { SynthesisTurnQueue } from './synthesis-turn.queue';

export const QWEN_TTS_MODEL = 'qwen3-tts-flash-realtime-2025-09-18';
export const QWEN_TTS_URL = `wss://dashscope.aliyuncs.com/api-ws/v1/realtime?model=${QWEN_TTS_MODEL}`;
export const QWEN_TTS_VOICE = 'Cherry';
const QWEN_PCM_RATE = 24_000;
const MAX_INPUT_CHARS = 2000;
const MIN_FRAME_BYTES = 6;

export interface QwenRealtimeTtsOptions {
  readonly apiKey: string;
  /** Full socket URL with `?model=` (default: DashScope's qwen3-tts-flash-realtime). */
  readonly url?: string;
  readonly voice?: string;
  /** A fresh 24 kHz → 48 kHz stream per response (AudioPool.resampler(24000, 48000)). */
  readonly resampler: () => StreamResampler;
  /** Connect + session.updated (spec §7.3: 5 s). */
  readonly connectTimeoutMs?: number;
  /** Longest silence between events of one response (spec §7.3: 30 s for the whole response). */
  readonly responseTimeoutMs?: number;
}

interface Connection {
  readonly ws: WebSocket;
  readonly inbox: RealtimeEventInbox;
}

/**
 * DashScope Qwen realtime TTS (spec main-server.md §7.3, `server_commit` mode) as a TtsPort: one
 * socket, kept open across sentences; per sentence `input_text_buffer.append` + `.commit`, then
 * `response.audio.delta` (base64 PCM16 24 kHz) until `response.done`. The audio is resampled to
 * 48 kHz by the worker pool's polyphase resampler (not by duplicating samples, as the original does).
 *
 * Calls run one after another on the socket (a second sentence waits for the first's
 * `response.done`). An abort closes the socket at once (the provider stops synthesising); the next
 * call reconnects. Errors: refused upgrade 401/403 and `error` events are not retriable; timeouts,
 * drops and 429/5xx are.
 */
export class QwenRealtimeTtsAdapter implements TtsPort {
  private conn: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private readonly turns = new SynthesisTurnQueue();
  private closed = false;

  constructor(private readonly options: QwenRealtimeTtsOptions) {}

  /** Opens the socket and configures the session (ready handshake); throws a TtsError on failure. */
  async connect(): Promise<void> {
    await this.connection();
  }

  synthesize(text: string, opts: TtsSynthesizeOptions = {}): AsyncIterable<Buffer> {
    return this.turns.run(() => this.speak(text, opts.signal));
  }

  /** Ends the socket for good. Idempotent. */
  close(): void {
    this.closed = true;
    this.drop();
  }

  private async *speak(text: string, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
    const input = speakableInput(text, MAX_INPUT_CHARS);
    if (!input || isAborted(signal)) return;
    const { ws, inbox } = await this.connection();
    if (isAborted(signal)) return;
    // Until response.done arrives the socket is mid-response: whatever ends this call early (an
    // abort, an error, the consumer returning at a yield, a failed resample) drops it, so late
    // events of this sentence never reach the next one.
    let finished = false;
    try {
      inbox.clear();
      ws.send(JSON.stringify({ type: 'input_text_buffer.append', text: input }));
      ws.send(JSON.stringify({ type: 'input_text_buffer.commit' }));
      const resampler = this.options.resampler();
      let carry = Buffer.alloc(0);
      for (;;) {
        const got = await inbox.next(this.options.responseTimeoutMs ?? 30_000, signal);
        if ('end' in got) {
          if (got.end === 'aborted') return;
          throw this.failure(got.end, inbox);
        }
        const event = got.event;
        if (event.type === 'error') throw errorEvent(event);
        if (event.type === 'response.audio.delta' && typeof event.delta === 'string') {
          const pcm = Buffer.concat([carry, await resampler.push(Buffer.from(event.delta, 'base64'))]);
          if (isAborted(signal)) return;
          carry = pcm.length >= MIN_FRAME_BYTES ? Buffer.alloc(0) : pcm;
          if (carry.length === 0) yield pcm;
        } else if (event.type === 'response.done' || event.type === 'session.finished') {
          finished = true;
          let tail = Buffer.concat([carry, await resampler.flush()]);
          if (tail.length > 0 && tail.length < MIN_FRAME_BYTES) tail = Buffer.concat([tail, Buffer.alloc(MIN_FRAME_BYTES - tail.length)]);
          if (tail.length > 0 && !isAborted(signal)) yield tail;
          return;
        }
      }
    } finally {
      if (!finished) this.drop(ws);
    }
  }

  private failure(end: 'timeout' | 'closed' | 'overflow', inbox: RealtimeEventInbox): TtsError {
    if (end === 'timeout') return new TtsError('timeout', 'Qwen TTS sent nothing for too long', { retriable: true });
    if (end === 'overflow') return new TtsError('provider_error', 'Qwen TTS sent more events than were read', { retriable: true });
    const info = inbox.closeInfo;
    return new TtsError('network', `Qwen TTS closed the connection (${info?.code ?? '?'} ${info?.reason ?? ''})`.trim(), { retriable: true });
  }

  private connection(): Promise<Connection> {
    if (this.closed) return Promise.reject(new TtsError('network', 'Qwen TTS adapter is closed', { retriable: false }));
    if (this.conn && this.conn.ws.readyState === WebSocket.OPEN) return Promise.resolve(this.conn);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Connection> {
    const timeoutMs = this.options.connectTimeoutMs ?? 5000;
    // One deadline for the whole handshake (spec §7.3: connect + session.updated within 5 s).
    const deadline = Date.now() + timeoutMs;
    const ws = new WebSocket(this.options.url ?? QWEN_TTS_URL, { headers: { Authorization: `Bearer ${this.options.apiKey}` }, handshakeTimeout: timeoutMs, maxPayload: 16 * 1024 * 1024 });
    const inbox = new RealtimeEventInbox();
    ws.on('message', (data) => inbox.pushRaw(data));
    ws.on('close', (code, reason) => inbox.close(code, reason.toString()));
    ws.on('error', () => undefined); // a later error is followed by 'close', which the inbox reports
    const refused = new Promise<never>((_resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        reject(upgradeError(status));
      });
      ws.once('error', (err) => reject(new TtsError('network', `Qwen TTS connection failed: ${err.message}`, { retriable: true, cause: err })));
    });
    void refused.catch(() => undefined);
    const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new TtsError('timeout', `Qwen TTS did not connect within ${timeoutMs} ms`, { retriable: true })), timeoutMs);
      timer.unref();
    });
    void expired.catch(() => undefined);
    try {
      await Promise.race([opened, refused, expired]);
      ws.send(JSON.stringify({ type: 'session.update', session: { mode: 'server_commit', voice: this.options.voice ?? QWEN_TTS_VOICE, response_format: 'pcm', sample_rate: QWEN_PCM_RATE, channels: 1, bit_depth: 16 } }));
      for (;;) {
        const got = await Promise.race([inbox.next(Math.max(0, deadline - Date.now())), refused, expired]);
        if ('end' in got) throw this.failure(got.end === 'aborted' ? 'closed' : got.end, inbox);
        if (got.event.type === 'error') throw errorEvent(got.event);
        if (got.event.type === 'session.updated') break;
      }
      // close() while the handshake ran: this socket must not outlive the adapter.
      if (this.closed) throw new TtsError('network', 'Qwen TTS adapter is closed', { retriable: false });
    } catch (err) {
      ws.terminate();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    inbox.clear();
    this.conn = { ws, inbox };
    return this.conn;
  }

  /** Ends the kept socket (or, given `ws`, only if it is still the kept one; ends `ws` either way). */
  private drop(ws?: WebSocket): void {
    const conn = this.conn;
    const target = ws ?? conn?.ws;
    if (!ws || conn?.ws === ws) this.conn = undefined;
    if (target && target.readyState !== WebSocket.CLOSED) target.terminate();
  }
}

function upgradeError(status: number): TtsError {
  const message = `Qwen TTS refused the connection: HTTP ${status}`;
  if (status === 401 || status === 403) return new TtsError('unauthorized', message, { retriable: false, status });
  if (status === 429) return new TtsError('rate_limited', message, { retriable: true, status });
  if (status >= 500) return new TtsError('provider_error', message, { retriable: true, status });
  return new TtsError('bad_request', message, { retriable: false, status });
}

function errorEvent(event: RealtimeServerEvent): TtsError {
  const error = (event.error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof error.code === 'string' ? error.code : 'error';
  const message = typeof error.message === 'string' ? error.message.slice(0, 300) : 'no message';
  const limited = /rate|limit|throttl/iu.test(code);
  return new TtsError(limited ? 'rate_limited' : 'provider_error', `Qwen TTS error ${code}: ${message}`, { retriable: limited });
}
