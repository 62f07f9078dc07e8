import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { models, speech } from './audio-speech.handler';
import { chatCompletions } from './chat-completions.handler';
import { embeddings } from './embeddings.handler';
import { newId, readJson, sendError, sendJson, TimerSet, toScriptedError, type HttpContext, type Json } from './fake-openai.http';
import { FakeScript, type RealtimeError } from './fake-openai.script';
import { RealtimeConnection } from './realtime.handler';
import type { RealtimeDialect } from './realtime.session';

export interface FakeOpenAiOptions {
  /** When set, requests and realtime upgrades must carry `Authorization: Bearer <apiKey>` (else 401). */
  readonly apiKey?: string;
  /** Port on 127.0.0.1 (default 0 = random). */
  readonly port?: number;
  /** What `GET /v1/models` lists. */
  readonly models?: readonly string[];
  /** Embedding size when the request has no `dimensions` (default 64). */
  readonly embeddingDimensions?: number;
  /** Pause between realtime response deltas in ms (default 5). */
  readonly deltaIntervalMs?: number;
  /** Realtime server-VAD threshold on 10 ms frame RMS, 0..32767 (default 500). */
  readonly vadThreshold?: number;
  /** Sample rate of appended audio in beta-dialect sessions (default 24000; GA sessions use audio.input.format.rate). */
  readonly inputSampleRate?: number;
  /** `auto` (default): GA for models containing "gpt" unless the client sends `OpenAI-Beta: realtime=v1`, else beta. */
  readonly realtimeDialect?: 'auto' | RealtimeDialect;
  /** Transcribe user turns even if the session configured no transcription (default true; an explicit null turns it off). */
  readonly transcribeByDefault?: boolean;
  /** What the fake "hears" when no transcript is scripted. */
  readonly defaultTranscript?: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined for GET, upgrades and unparsable bodies). */
  readonly body: Record<string, unknown> | undefined;
}

export interface FakeRealtimeControl {
  /** Open realtime sockets. */
  readonly connections: number;
  /** The session of the newest connection (open or not), rendered as `session.updated` would show it. */
  lastSession(): Json | undefined;
  /** Sends any server event to every open socket. */
  broadcast(event: Json): void;
  /** Sends `{type: "error", error}` to every open socket. */
  sendError(error: RealtimeError): void;
  /** Closes every socket with this code (1006 = drop without a close frame). */
  closeAll(code?: number, reason?: string): void;
}

export interface FakeOpenAi {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** http://127.0.0.1:PORT/v1, the `baseURL` of an OpenAI client */
  readonly baseUrl: string;
  /** ws://127.0.0.1:PORT/v1/realtime (append `?model=…`) */
  readonly wsUrl: string;
  /** Every HTTP request and realtime upgrade, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every valid client event received on realtime sockets, in order. */
  readonly realtimeEvents: Json[];
  readonly script: FakeScript;
  readonly realtime: FakeRealtimeControl;
  /** Forgets recorded requests and realtime events. */
  clearRequests(): void;
  /** Stops everything: pending delays end, sockets are destroyed. */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['gpt-4.1-mini', 'gpt-5-chat-latest', 'gpt-realtime', 'text-embedding-3-small', 'gpt-4o-mini-tts'];

function checkAuth(req: IncomingMessage, apiKey: string | undefined): string | undefined {
  if (apiKey === undefined) return undefined;
  const header = req.headers.authorization;
  if (!header) return "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
  if (header !== `Bearer ${apiKey}`) return `Incorrect API key provided: ${header.replace(/^Bearer\s+/i, '').slice(0, 8)}****. You can find your API key at https://platform.openai.com/account/api-keys.`;
  return undefined;
}

function record(req: IncomingMessage, body: Json | undefined): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://fake');
  return { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
}

/** Starts the fake OpenAI-compatible provider on 127.0.0.1 (random port unless given). */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}, port = options.port ?? 0): Promise<FakeOpenAi> {
  const script = new FakeScript();
  const timers = new TimerSet();
  const requests: RecordedRequest[] = [];
  const realtimeEvents: Json[] = [];
  const ctx: HttpContext = { script, timers, models: options.models ?? DEFAULT_MODELS, embeddingDimensions: options.embeddingDimensions ?? 64 };
  const sockets = new Set<Socket>();
  const connections = new Map<WebSocket, RealtimeConnection>();
  let newest: RealtimeConnection | undefined;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const rec = record(req, body);
    requests.push(rec);
    const authError = checkAuth(req, options.apiKey);
    if (authError) return sendError(res, { status: 401, message: authError, code: req.headers.authorization ? 'invalid_api_key' : null });
    const { method, path } = rec;
    if (method === 'POST' && !body) {
      return sendError(res, { status: 400, message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)" });
    }
    if (method === 'POST' && path.endsWith('/chat/completions')) return chatCompletions(body!, res, ctx);
    if (method === 'POST' && path.endsWith('/embeddings')) return embeddings(body!, res, ctx);
    if (method === 'POST' && path.endsWith('/audio/speech')) return speech(body!, res, ctx);
    if (method === 'GET' && path.endsWith('/models')) return models(res, ctx);
    const modelId = method === 'GET' ? /\/models\/(.+)$/.exec(path)?.[1] : undefined;
    if (modelId !== undefined) {
      const id = decodeURIComponent(modelId);
      if (!ctx.models.includes(id)) return sendError(res, { status: 404, message: `The model '${id}' does not exist`, param: 'model' });
      return sendJson(res, { id, object: 'model', created: 1_700_000_000, owned_by: 'system' });
    }
    return sendError(res, { status: 404, message: `Invalid URL (${method} ${path})`, code: null });
  };

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => sendError(res, { status: 500, message: `fake provider bug: ${String(e)}` }));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const rejectUpgrade = (socket: Socket, status: number, message: string, extra: Json = {}) => {
    const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null, ...extra } });
    socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${newId('req', '_')}\r\nConnection: close\r\n\r\n${body}`);
  };
  const upgrade = async (req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> => {
    const rec = record(req, undefined);
    requests.push(rec);
    if (!/\/realtime\/?$/.test(rec.path)) return rejectUpgrade(socket, 404, `Invalid URL (GET ${rec.path})`);
    const authError = checkAuth(req, options.apiKey);
    if (authError) return rejectUpgrade(socket, 401, authError, { code: 'invalid_api_key' });
    const step = script.next('realtime');
    if (step?.delayMs) await timers.sleep(step.delayMs);
    if (timers.closed) return void socket.destroy();
    if (step?.error !== undefined) {
      const err = toScriptedError(step.error, step.message);
      return rejectUpgrade(socket, err.status, err.message ?? 'Scripted error', { type: err.type ?? 'invalid_request_error', code: err.code ?? null });
    }
    if (step?.disconnect) return void socket.destroy();
    const model = rec.query.model ?? 'gpt-realtime';
    const beta = String(req.headers['openai-beta'] ?? '').includes('realtime=v1');
    const dialect = options.realtimeDialect && options.realtimeDialect !== 'auto' ? options.realtimeDialect : model.includes('gpt') && !beta ? 'ga' : 'beta';
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new RealtimeConnection(ws, {
        script,
        timers,
        model,
        dialect,
        deltaIntervalMs: options.deltaIntervalMs ?? 5,
        vadThreshold: options.vadThreshold ?? 500,
        inputSampleRate: options.inputSampleRate ?? 24_000,
        transcribeByDefault: options.transcribeByDefault ?? true,
        defaultTranscript: options.defaultTranscript ?? 'Hello from the fake microphone.',
        record: (e) => realtimeEvents.push(e),
      });
      connections.set(ws, connection);
      newest = connection;
      ws.on('message', (data, isBinary) => connection.handle(data, isBinary));
      ws.on('close', () => connections.delete(ws));
      ws.on('error', () => ws.terminate());
    });
  };
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgrade(req, socket, head).catch(() => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://127.0.0.1:${actualPort}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    baseUrl: `${url}/v1`,
    wsUrl: `ws://127.0.0.1:${actualPort}/v1/realtime`,
    requests,
    realtimeEvents,
    script,
    realtime: {
      get connections() {
        return connections.size;
      },
      lastSession: () => newest?.session.render(),
      broadcast: (event) => connections.forEach((c) => c.send(event)),
      sendError: (error) => connections.forEach((c) => c.sendError({ type: 'server_error', ...error })),
      closeAll: (code = 1011, reason = 'closed by test') => connections.forEach((c) => c.close(code, reason)),
    },
    clearRequests: () => {
      requests.length = 0;
      realtimeEvents.length = 0;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        timers.dispose();
        for (const ws of connections.keys()) ws.terminate();
        wss.close();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}
