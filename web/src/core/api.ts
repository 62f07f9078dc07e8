/**
 * JSON calls to our own server. Each answers the parsed body or throws an ApiError whose message
 * can be shown to the user as it is (the server's `error`/`detail`/`message`, else a plain sentence).
 */
import { t } from './i18n';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  readonly query?: Query;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

function errorText(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const detail = Array.isArray(b.detail)
      ? b.detail.map((d: unknown) => (d && typeof d === 'object' && 'msg' in d ? String(d.msg) : JSON.stringify(d))).join('; ')
      : b.detail;
    const text = b.error ?? b.message ?? detail;
    if (typeof text === 'string' && text.trim() !== '') return text;
  }
  if (typeof body === 'string' && body.trim() !== '') return body.slice(0, 300);
  return t('error.http', { status });
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${s}`;
}

async function request<T>(method: string, path: string, options: RequestOptions & { json?: unknown; form?: FormData } = {}): Promise<T> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const init: RequestInit = { method, headers: {}, signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout };
  if (options.json !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    init.body = options.form;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), init);
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const timedOut = err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new ApiError(timedOut ? t('error.timeout') : t('error.network'), 0, undefined);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) throw new ApiError(errorText(body, res.status), res.status, body);
  return body as T;
}

export const api = {
  get: <T = unknown>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T = unknown>(path: string, json?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, json: json ?? {} }),
  put: <T = unknown>(path: string, json?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, json: json ?? {} }),
  patch: <T = unknown>(path: string, json?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, json: json ?? {} }),
  del: <T = unknown>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
  /** multipart upload (files); five minutes by default. */
  upload: <T = unknown>(path: string, form: FormData, options?: RequestOptions) => request<T>('POST', path, { timeoutMs: 300_000, ...options, form }),
  /** Fire-and-forget POST that survives the page unloading. */
  beacon(path: string, payload: unknown): void {
    const body = JSON.stringify(payload);
    if (navigator.sendBeacon?.(path, new Blob([body], { type: 'application/json' }))) return;
    fetch(path, { method: 'POST', body, headers: { 'content-type': 'application/json' }, keepalive: true }).catch(() => undefined);
  },
};

/** Many endpoints answer HTTP 200 with {success: false, error}: that becomes an ApiError too. */
export function ensureOk<T>(body: T): T {
  if (body && typeof body === 'object' && (body as { success?: unknown }).success === false) throw new ApiError(errorText(body, 200), 200, body);
  return body;
}
