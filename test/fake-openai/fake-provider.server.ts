import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { chatCompletions, embeddings, models, readJson, sendError, speech, type HttpOptions } from './fake-provider.http';
import { RealtimeSession } from './fake-provider.realtime';
import { FakeScript } from './fake-provider.script';

export interface FakeOpenAiOptions {
  /** When set, every request must carry `Authorization: Bearer <apiKey>` (else 401). */
  readonly apiKey?: string;
  readonly models?: readonly string[];
  /** Default embedding size (requests may ask for `dimensions`). */
  readonly embeddingDimensions?: number;
  /** Pause between realtime response deltas (ms). */
  readonly deltaIntervalMs?: number;
  /** Realtime server-VAD threshold on 10 ms frame RMS (0..32767). */
  readonly vadThreshold?: number;
  /** Sample rate assumed for appended realtime audio (OpenAI: 24000; Qwen clients send 16000). */
  readonly inputSampleRate?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown> | undefined;
}

export interface FakeOpenAi {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** http://127.0.0.1:PORT/v1 — what an OpenAI client takes as baseURL */
  readonly baseUrl: string;
  /** ws://127.0.0.1:PORT/v1/realtime */
  readonly wsUrl: string;
  readonly requests: RecordedRequest[];
  /** Every client event received on realtime sockets, in order. */
  readonly realtimeEvents: Array<Record<string, unknown>>;
  readonly script: FakeScript;
  readonly realtime: {
    readonly connections: number;
    /** Sends a server event (e.g. an `error`) to every open realtime socket. */
    broadcast(event: Record<string, unknown>): void;
    /** Closes every realtime socket with this close code. */
    closeAll(code?: number, reason?: string): void;
  };
  close(): Promise<void>;
}

function authorized(req: IncomingMessage, apiKey: string | undefined): boolean {
  return apiKey === undefined || req.headers.authorization === `Bearer ${apiKey}`;
}

/** Starts the fake OpenAI-compatible provider on 127.0.0.1 (random port unless given). */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}, port = 0): Promise<FakeOpenAi> {
  const script = new FakeScript();
  const requests: RecordedRequest[] = [];
  const realtimeEvents: Array<Record<string, unknown>> = [];
  const http: HttpOptions = {
    script,
    models: options.models ?? ['gpt-4.1-mini', 'gpt-realtime', 'text-embedding-3-small', 'gpt-4o-mini-tts'],
    embeddingDimensions: options.embeddingDimensions ?? 64,
  };
  const sockets = new Set<Socket>();
  const clients = new Set<WebSocket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      if (!authorized(req, options.apiKey)) return sendError(res, { status: 401 });
      if (req.method === 'POST' && body === undefined) return sendError(res, { status: 400, message: 'We could not parse the JSON body of your request.' });
      if (req.method === 'POST' && path.endsWith('/chat/completions')) return chatCompletions(body!, res, http);
      if (req.method === 'POST' && path.endsWith('/embeddings')) return embeddings(body!, res, http);
      if (req.method === 'POST' && path.endsWith('/audio/speech')) return speech(body!, res, http);
      if (req.method === 'GET' && path.endsWith('/models')) return models(res, http);
      return sendError(res, { status: 404, message: `Unknown request URL: ${req.method} ${path}` });
    })().catch(() => {
      if (!res.headersSent) sendError(res, { status: 500 });
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ error: { message: text, type: 'invalid_request_error', param: null, code: null } })}`);
    };
    if (!url.pathname.endsWith('/realtime')) return reject(404, 'Not Found');
    if (!authorized(req, options.apiKey)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      const session = new RealtimeSession(ws, {
        script,
        model: url.searchParams.get('model') ?? 'gpt-realtime',
        deltaIntervalMs: options.deltaIntervalMs ?? 5,
        vadThreshold: options.vadThreshold ?? 500,
        inputSampleRate: options.inputSampleRate ?? 24_000,
        record: (e) => realtimeEvents.push(e),
      });
      ws.on('message', (data, isBinary) => session.handle(isBinary ? '' : (data as Buffer).toString('utf8')));
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://127.0.0.1:${actualPort}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    wsUrl: `ws://127.0.0.1:${actualPort}/v1/realtime`,
    requests,
    realtimeEvents,
    script,
    realtime: {
      get connections() {
        return clients.size;
      },
      broadcast(event) {
        for (const ws of clients) ws.send(JSON.stringify({ event_id: `event_x${Date.now()}`, ...event }));
      },
      closeAll(code = 1011, reason = 'closed by test') {
        for (const ws of clients) ws.close(code, reason);
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of clients) ws.terminate();
        wss.close();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
