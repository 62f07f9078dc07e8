import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ChatStep, FakeScript } from '../fake-openai/fake-openai.script';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- server messages are asserted field by field
export type ChatMessage = Record<string, any> & { type: string };

/** One thing the server sent, in arrival order: a JSON text frame or a binary (audio) frame. */
export type ChatEvent =
  | { readonly seq: number; readonly at: number; readonly kind: 'json'; readonly message: ChatMessage }
  | { readonly seq: number; readonly at: number; readonly kind: 'audio'; readonly bytes: Buffer };

export interface AudioFrame {
  readonly seq: number;
  /** performance.now() at arrival. */
  readonly at: number;
  readonly bytes: Buffer;
}

export interface SpeakOptions {
  /** Frames sent per burst (default 5 = 50 ms of audio). */
  readonly burst?: number;
  /** Pause between bursts in ms; 0 sends everything at once (default 0). With 50 ms and burst 5, audio flows in real time. */
  readonly paceMs?: number;
}

export interface ChatClient {
  readonly ws: WebSocket;
  /** Everything received, JSON and binary, in order (`seq` is the index). */
  readonly events: ChatEvent[];
  /** JSON messages only. */
  messages(): ChatMessage[];
  /** Binary frames only. */
  audio(): AudioFrame[];
  /** The `seq` the next event will get: a bookmark for `since`. */
  mark(): number;
  /** Events received at or after `mark`. */
  since(mark: number): ChatEvent[];
  /** The first not yet consumed JSON message of `type` (optionally matching `where`), received or still to come. */
  next(type: string, options?: { where?: (m: ChatMessage) => boolean; timeoutMs?: number }): Promise<ChatMessage>;
  /** The next not yet consumed `status` whose message equals the string or matches the pattern. */
  waitStatus(pattern: string | RegExp, timeoutMs?: number): Promise<ChatMessage>;
  /** Waits until `predicate` holds for an event received after `from` (default: from now), returns the events up to and including it. */
  collectUntil(predicate: (e: ChatEvent) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<ChatEvent[]>;
  /** Sends `{action, ...fields}`. */
  send(action: string, fields?: Record<string, unknown>): void;
  /** Sends a raw frame (malformed input tests). */
  sendRaw(data: string | Buffer): void;
  /** Sends s16le 48 kHz mono as `stream_data` audio frames of exactly 480 samples (the last one zero-padded). */
  speak(pcm48k: Buffer, options?: SpeakOptions): Promise<number>;
  /** Every status message text so far. */
  statuses(): string[];
  readonly closed: Promise<number>;
  close(): Promise<void>;
}

/** Options the browser would have: Origin of the page. */
export interface ConnectOptions {
  readonly headers?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const SAMPLES_PER_FRAME = 480;

/** `ws://host/ws/<name>` as the UI opens it (the name percent-encoded, as browsers do for non-ASCII), Origin = the page. */
export async function connectChat(baseUrl: string, name: string, options: ConnectOptions = {}): Promise<ChatClient> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/${encodeURIComponent(name)}`, { headers: { origin: baseUrl, ...options.headers } });
  const events: ChatEvent[] = [];
  const consumed = new Set<number>();
  const listeners = new Set<() => void>();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const seq = events.length;
    const at = performance.now();
    if (isBinary) events.push({ seq, at, kind: 'audio', bytes: Buffer.from(data) });
    else {
      let message: ChatMessage;
      try {
        message = JSON.parse(data.toString('utf8')) as ChatMessage;
      } catch {
        message = { type: '__unparsable__', raw: data.toString('utf8') };
      }
      events.push({ seq, at, kind: 'json', message });
    }
    for (const l of [...listeners]) l();
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });

  const describe = () =>
    events
      .map((e) => (e.kind === 'audio' ? `<audio ${e.bytes.length}>` : JSON.stringify(e.message).slice(0, 200)))
      .slice(-40)
      .join('\n  ');

  /** Resolves when `find` returns a value for the events so far or later ones; rejects after the timeout. */
  const waitFor = <T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const found = find();
        if (found === undefined) return false;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events:\n  ${describe()}`));
      }, timeoutMs);
      if (!check()) listeners.add(check);
    });

  const client: ChatClient = {
    ws,
    events,
    messages: () => events.flatMap((e) => (e.kind === 'json' ? [e.message] : [])),
    audio: () => events.flatMap((e) => (e.kind === 'audio' ? [{ seq: e.seq, at: e.at, bytes: e.bytes }] : [])),
    mark: () => events.length,
    since: (mark) => events.slice(mark),
    next: (type, opts = {}) =>
      waitFor(
        () => {
          const e = events.find((x) => x.kind === 'json' && !consumed.has(x.seq) && x.message.type === type && (opts.where?.(x.message) ?? true));
          if (!e || e.kind !== 'json') return undefined;
          consumed.add(e.seq);
          return e.message;
        },
        `a "${type}" message`,
        opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ),
    waitStatus: (pattern, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      client.next('status', { where: (m) => (typeof pattern === 'string' ? m.message === pattern : pattern.test(String(m.message))), timeoutMs }),
    collectUntil: (predicate, opts = {}) => {
      const from = opts.from ?? events.length;
      return waitFor(
        () => {
          const i = events.findIndex((e) => e.seq >= from && predicate(e));
          return i < 0 ? undefined : events.slice(from, i + 1);
        },
        'a matching event',
        opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      );
    },
    send: (action, fields = {}) => ws.send(JSON.stringify({ action, ...fields })),
    sendRaw: (data) => ws.send(data),
    async speak(pcm48k, opts = {}) {
      const burst = opts.burst ?? 5;
      const samples = Math.floor(pcm48k.length / 2);
      const frames = Math.ceil(samples / SAMPLES_PER_FRAME);
      for (let f = 0; f < frames; f++) {
        const data = new Array<number>(SAMPLES_PER_FRAME).fill(0);
        for (let i = 0; i < SAMPLES_PER_FRAME && f * SAMPLES_PER_FRAME + i < samples; i++) data[i] = pcm48k.readInt16LE((f * SAMPLES_PER_FRAME + i) * 2);
        ws.send(JSON.stringify({ action: 'stream_data', input_type: 'audio', data }));
        if ((f + 1) % burst === 0 && (opts.paceMs ?? 0) > 0) await new Promise((r) => setTimeout(r, opts.paceMs));
      }
      return frames * SAMPLES_PER_FRAME;
    },
    statuses: () => client.messages().filter((m) => m.type === 'status').map((m) => String(m.message)),
    closed,
    async close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
      const hard = setTimeout(() => ws.terminate(), 2000); // no close handshake from the server: drop it
      await closed;
      clearTimeout(hard);
    },
  };
  return client;
}

/** The assistant text of a reply: the `gemini_response` texts among `events`, concatenated. */
export function replyText(events: readonly ChatEvent[]): string {
  return events.map((e) => (e.kind === 'json' && e.message.type === 'gemini_response' ? String(e.message.text) : '')).join('');
}

/** True for `{"type":"system","data":"turn end"}`. */
export const isTurnEnd = (e: ChatEvent): boolean => e.kind === 'json' && e.message.type === 'system' && e.message.data === 'turn end';

/** True for a JSON message of this type. */
export const isType =
  (type: string) =>
  (e: ChatEvent): boolean =>
    e.kind === 'json' && e.message.type === type;

/** Audio bytes among `events`. */
export function audioBytes(events: readonly ChatEvent[]): number {
  return events.reduce((n, e) => n + (e.kind === 'audio' ? e.bytes.length : 0), 0);
}

/** Status texts among `events`. */
export function statusesIn(events: readonly ChatEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'json' && e.message.type === 'status' ? [String(e.message.message)] : []));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Replaces the data folder's core_config.json (the app re-reads it for the next session). */
export function writeCoreConfig(root: string, config: Record<string, unknown>): void {
  writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(config, null, 2));
}

/** The clients one test opened: `closeAll()` (in afterEach) ends their sessions and closes them. */
export class ChatClients {
  private readonly open: ChatClient[] = [];

  async connect(baseUrl: string, name: string): Promise<ChatClient> {
    const c = await connectChat(baseUrl, name);
    this.open.push(c);
    return c;
  }

  async closeAll(): Promise<void> {
    for (const c of this.open.splice(0)) {
      if (c.ws.readyState === c.ws.OPEN) c.send('end_session');
      await sleep(300);
      await c.close();
    }
  }
}

/** The models the chat tests give each tier, so a recorded request says which tier made it. */
export const CHAT_MODEL = 'fake-chat';
export const VISION_MODEL = 'fake-vision';
export const SUMMARY_MODEL = 'fake-summary';
export const TTS_MODEL = 'gpt-4o-mini-tts';
export const FAKE_KEY = 'sk-test';

/** What a recorded fake request looks like (structural, so the harness needs no import of the fake). */
export interface RecordedLike {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown> | undefined;
}

export interface ChatConfigOptions {
  /** Realtime (voice) model: its name picks the dialect (gpt / qwen / glm / step). */
  readonly omniModel?: string;
  /** Use the fake's OpenAI /audio/speech for text-mode TTS (default: offline espeak-ng voice). */
  readonly speech?: boolean;
  readonly extra?: Record<string, unknown>;
}

/**
 * core_config.json pointing every tier at the fake provider through the custom per-tier fields
 * (spec §6.3): correction = text chat, vision = images, summary = memory server, omni = realtime.
 */
export function chatCoreConfig(fake: { baseUrl: string; wsUrl: string }, options: ChatConfigOptions = {}): Record<string, unknown> {
  const tier = (name: string, url: string, model: string) => ({
    [`${name}ModelProvider`]: 'custom',
    [`${name}ModelUrl`]: url,
    [`${name}ModelId`]: model,
    [`${name}ModelApiKey`]: FAKE_KEY,
  });
  return {
    coreApi: 'qwen',
    assistApi: 'qwen',
    coreApiKey: FAKE_KEY,
    enableCustomApi: true,
    recent_memory_auto_review: false,
    ...tier('correction', fake.baseUrl, CHAT_MODEL),
    ...tier('vision', fake.baseUrl, VISION_MODEL),
    ...tier('summary', fake.baseUrl, SUMMARY_MODEL),
    ...tier('omni', fake.wsUrl, options.omniModel ?? 'gpt-realtime'),
    ...(options.speech ? tier('tts', fake.baseUrl, TTS_MODEL) : {}),
    // Without embeddingModel* the memory server would ask the core provider's real embeddings URL.
    embeddingModelId: 'text-embedding-3-small',
    embeddingModelUrl: fake.baseUrl,
    embeddingModelApiKey: FAKE_KEY,
    ...options.extra,
  };
}

/** The streamed chat completions of the text session (not the memory server's summaries). */
export function chatCompletions(requests: readonly RecordedLike[], model: string = CHAT_MODEL): Array<Record<string, unknown>> {
  return requests.filter((r) => r.path.endsWith('/chat/completions') && r.body?.model === model && r.body.stream === true).map((r) => r.body!);
}

/** Text of a chat message's content (string or parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
}

/** All message texts of a chat completion request, joined by newlines. */
export function requestText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
  return messages.map((m) => contentText(m.content)).join('\n');
}

/** The text of the last user message of a chat completion request. */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  return contentText([...messages].reverse().find((m) => m.role === 'user')?.content);
}

/**
 * Answers the text session's completions (CHAT_MODEL, or VISION_MODEL with images) by the user's words: the first key the
 * last user message contains picks the step; anything else (memory server, unknown text) is echoed.
 * Unlike FIFO items, a summary request of the memory server cannot eat a scripted reply.
 */
export function routeChat(script: FakeScript, routes: Record<string, ChatStep>): void {
  script.defaultChat((body) => {
    const text = lastUserText(body);
    const key = body.model === CHAT_MODEL || body.model === VISION_MODEL ? Object.keys(routes).find((k) => text.includes(k)) : undefined;
    return key !== undefined ? routes[key] : { content: `Echo: ${text}` };
  });
}
