import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorSpec, FakeScript, ScriptedError, StepBase } from './fake-openai.script';

export type Json = Record<string, unknown>;

export const newId = (prefix: string, sep = '-') => `${prefix}${sep}${randomBytes(12).toString('hex')}`;
export const unixNow = () => Math.floor(Date.now() / 1000);
export const asObject = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

/**
 * Cancellable timers: everything the fake waits for goes through here, so `close()` can end every
 * pending wait at once (no timer outlives the server, Jest sees no open handles).
 */
export class TimerSet {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private disposed = false;

  get closed(): boolean {
    return this.disposed;
  }

  /** Resolves after `ms`, or at once when disposed. */
  sleep(ms: number): Promise<void> {
    if (this.disposed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}

/** What every HTTP handler gets. */
export interface HttpContext {
  readonly script: FakeScript;
  readonly timers: TimerSet;
  readonly models: readonly string[];
  readonly embeddingDimensions: number;
}

const ERROR_KINDS: Readonly<Record<number, { type: string; code: string | null; message: string }>> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  408: { type: 'server_error', code: null, message: 'Request timed out.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again in 10ms.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  502: { type: 'server_error', code: null, message: 'Bad gateway.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
};

/** Normalises `429` or `{status: 429, …}` plus an optional step-level message. */
export function toScriptedError(spec: ErrorSpec, message?: string): ScriptedError {
  const base: ScriptedError = typeof spec === 'number' ? { status: spec } : spec;
  return message !== undefined && base.message === undefined ? { ...base, message } : base;
}

/** OpenAI's error body and headers (x-request-id; retry-after(-ms) and rate-limit headers on 429/503). */
export function sendError(res: ServerResponse, spec: ErrorSpec, message?: string): void {
  const error = toScriptedError(spec, message);
  const kind = ERROR_KINDS[error.status] ?? { type: error.status < 500 ? 'invalid_request_error' : 'server_error', code: null, message: 'Error.' };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': newId('req', '_') };
  const retryAfterMs = error.retryAfterMs ?? (error.status === 429 || error.status === 503 ? 10 : undefined);
  if (retryAfterMs !== undefined) {
    headers['retry-after-ms'] = String(retryAfterMs);
    headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }
  if (error.status === 429) {
    headers['x-ratelimit-limit-requests'] = '500';
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = `${retryAfterMs ?? 10}ms`;
  }
  if (res.headersSent || res.destroyed) return void res.destroy();
  res.writeHead(error.status, headers);
  res.end(
    JSON.stringify({
      error: {
        message: error.message ?? kind.message,
        type: error.type ?? kind.type,
        param: error.param ?? null,
        code: error.code === undefined ? kind.code : error.code,
      },
    }),
  );
}

/** A 400 `invalid_request_error` naming the offending parameter. */
export function sendInvalid(res: ServerResponse, message: string, param: string | null = null): void {
  sendError(res, { status: 400, message, param, code: param ? 'invalid_value' : null });
}

export function sendJson(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': newId('req', '_'), 'openai-processing-ms': '1', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Applies the common parts of a scripted step: delay, disconnect, error.
 * Returns true when the request has been answered (or dropped) and the handler must stop.
 * A streaming handler cuts its own stream on `disconnect`.
 */
export async function applyStep(res: ServerResponse, step: StepBase | undefined, timers: TimerSet, streaming = false): Promise<boolean> {
  if (step?.delayMs) await timers.sleep(step.delayMs);
  if (timers.closed || res.destroyed) return true;
  if (step?.error !== undefined) {
    sendError(res, step.error, step.message);
    return true;
  }
  if (step?.disconnect && !streaming) {
    res.socket?.destroy();
    return true;
  }
  return false;
}

/** Reads a JSON object body (bounded). `undefined` = empty or not a JSON object. */
export function readJson(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<Json | undefined> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) parts.push(c);
    });
    req.on('end', () => {
      try {
        resolve(asObject(JSON.parse(Buffer.concat(parts).toString('utf8'))));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}
