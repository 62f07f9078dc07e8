import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { OggPageAssembler } from './ogg-page.assembler';
import { RealtimeEventInbox, type RealtimeServerEvent } from './realtime-event.inbox';
import { speakableInput } from './sentence.splitter';
import { isAborted, TtsError, type TtsPort, type TtsSynthesizeOptions } from './tts.port';
import { SynthesisTurnQueue } from './synthesis-turn.queue';

export const COSYVOICE_URL = 'wss://dashscope.aliyuncs.com/api-ws/v1/inference';
export const COSYVOICE_MODEL = 'cosyvoice-v3-plus';
/** DashScope's limit per continue-task is 20 000 characters (a Han character counts twice). */
const MAX_INPUT_CHARS = 4000;

export interface CosyVoiceOptions {
  readonly apiKey: string;
  /** The character's cloned voice (`voice_id`). */
  readonly voice: string;
  readonly url?: string;
  readonly model?: string;
  readonly connectTimeoutMs?: number;
  /** Longest silence between events of one task. */
  readonly responseTimeoutMs?: number;
}

/** The run-task command (spec §7.3): Ogg Opus, 48 kHz mono, 64 kbit/s, speech rate 1.1. */
export function runTaskCommand(taskId: string, model: string, voice: string): Record<string, unknown> {
  return {
    header: { action: 'run-task', task_id: taskId, streaming: 'duplex' },
    payload: {
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model,
      parameters: { text_type: 'PlainText', voice, format: 'opus', sample_rate: 48_000, bit_rate: 64, rate: 1.1 },
      input: {},
    },
  };
}

export function continueTaskCommand(taskId: string, text: string): Record<string, unknown> {
  return { header: { action: 'continue-task', task_id: taskId, streaming: 'duplex' }, payload: { input: { text } } };
}

export function finishTaskCommand(taskId: string): Record<string, unknown> {
  return { header: { action: 'finish-task', task_id: taskId, streaming: 'duplex' }, payload: { input: {} } };
}

/** A DashScope frame as an inbox event: JSON `{header: {event}}` → `type: event`; binary → `type: 'audio'`. */
export function cosyEvent(data: Buffer, isBinary: boolean): RealtimeServerEvent | undefined {
  if (isBinary) return { type: 'audio', bytes: data };
  try {
    const parsed = JSON.parse(data.toString('utf8')) as { header?: { event?: unknown; task_id?: unknown; error_code?: unknown; error_message?: unknown } };
    const h = parsed.header;
    return typeof h?.event === 'string' ? { type: h.event, taskId: h.task_id, errorCode: h.error_code, errorMessage: h.error_message } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * DashScope CosyVoice over the duplex inference socket (spec main-server.md §7.3), for characters
 * with their own cloned voice. One task per sentence on a kept socket: run-task → task-started →
 * continue-task {text} → finish-task; the binary frames until task-finished are Ogg/Opus,
 * yielded unchanged as whole pages (OggPageAssembler: a page split between frames is completed). Calls run one after another; an abort
 * closes the socket and the next call reconnects. `task-failed` is not retriable unless throttled.
 *
 * Not covered by the fake provider: tested against a local socket that frames like DashScope.
 */
export class CosyVoiceDuplexAdapter implements TtsPort {
  private conn: { ws: WebSocket; inbox: RealtimeEventInbox } | undefined;
  private readonly turns = new SynthesisTurnQueue();
  private closed = false;

  constructor(private readonly options: CosyVoiceOptions) {}

  synthesize(text: string, opts: TtsSynthesizeOptions = {}): AsyncIterable<Buffer> {
    return this.turns.run(() => this.speak(text, opts.signal));
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private async *speak(text: string, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
    const input = speakableInput(text, MAX_INPUT_CHARS);
    if (!input || isAborted(signal)) return;
    const { ws, inbox } = await this.connection();
    const taskId = randomUUID();
    inbox.clear();
    ws.send(JSON.stringify(runTaskCommand(taskId, this.options.model ?? COSYVOICE_MODEL, this.options.voice)));
    let started = false;
    // Until task-finished the socket is mid-task: whatever ends this call early (an abort, an
    // error, the consumer returning at a yield) drops it, so a late frame of this task never
    // reaches the next sentence.
    let finished = false;
    const pages = new OggPageAssembler();
    try {
      for (;;) {
        const got = await inbox.next(started ? (this.options.responseTimeoutMs ?? 30_000) : (this.options.connectTimeoutMs ?? 5000), signal);
        if ('end' in got) {
          if (got.end === 'aborted') return;
          const why = got.end === 'closed' ? `closed the connection (${inbox.closeInfo?.code ?? '?'})` : got.end === 'timeout' ? 'sent nothing for too long' : 'sent more than was read';
          throw new TtsError(got.end === 'timeout' ? 'timeout' : 'network', `CosyVoice ${why}`, { retriable: true });
        }
        const e = got.event;
        // Events of another (an earlier) task are not this sentence's; binary frames carry no id.
        if (e.type !== 'audio' && typeof e.taskId === 'string' && e.taskId !== taskId) continue;
        if (e.type === 'task-started' && !started) {
          started = true;
          ws.send(JSON.stringify(continueTaskCommand(taskId, input)));
          ws.send(JSON.stringify(finishTaskCommand(taskId)));
        } else if (e.type === 'audio' && started && Buffer.isBuffer(e.bytes)) {
          const whole = pages.push(e.bytes);
          if (whole.length > 0) yield whole;
          if (isAborted(signal)) return;
        } else if (e.type === 'task-finished') {
          finished = true;
          return;
        } else if (e.type === 'task-failed') {
          // The task is over, but a failed one is not trusted to leave the socket clean.
          const code = typeof e.errorCode === 'string' ? e.errorCode : 'TaskFailed';
          const throttled = /throttl|rate|limit/iu.test(code);
          const message = `CosyVoice ${code}: ${typeof e.errorMessage === 'string' ? e.errorMessage.slice(0, 300) : 'task failed'}`;
          throw new TtsError(throttled ? 'rate_limited' : 'provider_error', message, { retriable: throttled });
        }
      }
    } finally {
      if (!finished) this.drop(ws);
    }
  }

  private async connection(): Promise<{ ws: WebSocket; inbox: RealtimeEventInbox }> {
    if (this.closed) throw new TtsError('network', 'CosyVoice adapter is closed', { retriable: false });
    if (this.conn && this.conn.ws.readyState === WebSocket.OPEN) return this.conn;
    const timeoutMs = this.options.connectTimeoutMs ?? 5000;
    const ws = new WebSocket(this.options.url ?? COSYVOICE_URL, { headers: { Authorization: `bearer ${this.options.apiKey}` }, handshakeTimeout: timeoutMs, maxPayload: 4 * 1024 * 1024 });
    const inbox = new RealtimeEventInbox();
    ws.on('message', (data, isBinary) => {
      const event = cosyEvent(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data), isBinary);
      if (event) inbox.push(event);
    });
    ws.on('close', (code, reason) => inbox.close(code, reason.toString()));
    ws.on('error', () => undefined); // followed by 'close'; a failed upgrade is reported below
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        ws.terminate();
        const unauthorized = status === 401 || status === 403;
        reject(new TtsError(unauthorized ? 'unauthorized' : status === 429 ? 'rate_limited' : 'provider_error', `CosyVoice refused the connection: HTTP ${status}`, { retriable: !unauthorized && status !== 400, status }));
      });
      ws.once('close', () => reject(new TtsError('network', 'CosyVoice connection failed', { retriable: true })));
    });
    if (this.closed) {
      // close() while connecting: this socket must not outlive the adapter.
      ws.terminate();
      throw new TtsError('network', 'CosyVoice adapter is closed', { retriable: false });
    }
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
