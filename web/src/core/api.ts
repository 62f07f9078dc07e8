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
  upload,
  /** Fire-and-forget POST that survives the page unloading. */
  beacon(path: string, payload: unknown): void {
    const body = JSON.stringify(payload);
    if (navigator.sendBeacon?.(path, new Blob([body], { type: 'application/json' }))) return;
    fetch(path, { method: 'POST', body, headers: { 'content-type': 'application/json' }, keepalive: true }).catch(() => undefined);
  },
};

export interface UploadProgress {
  /** 0–1 while sending; 1 once the server has the whole body and is processing it. */
  readonly fraction: number;
  readonly sent: boolean;
}

/**
 * Multipart POST (files), ten minutes by default. fetch() cannot report upload progress, so this
 * goes through XMLHttpRequest; answers and failures are those of the other calls.
 */
function upload<T = unknown>(path: string, form: FormData, options: { onProgress?: (p: UploadProgress) => void; timeoutMs?: number } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.timeout = options.timeoutMs ?? 600_000;
    const onProgress = options.onProgress;
    if (onProgress) {
      xhr.upload.onprogress = (ev) => {
        if (ev.lengthComputable) onProgress({ fraction: ev.total === 0 ? 1 : ev.loaded / ev.total, sent: false });
      };
      xhr.upload.onload = () => onProgress({ fraction: 1, sent: true });
    }
    xhr.onerror = () => reject(new ApiError(t('error.network'), 0, undefined));
    xhr.ontimeout = () => reject(new ApiError(t('error.timeout'), 0, undefined));
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = xhr.responseText === '' ? null : JSON.parse(xhr.responseText);
      } catch {
        // not JSON: keep the text
      }
      if (xhr.status < 200 || xhr.status >= 300) reject(new ApiError(errorText(body, xhr.status), xhr.status, body));
      else resolve(body as T);
    };
    xhr.send(form);
  });
}

/** Many endpoints answer HTTP 200 with {success: false, error}: that becomes an ApiError too. */
export function ensureOk<T>(body: T): T {
  if (body && typeof body === 'object' && (body as { success?: unknown }).success === false) throw new ApiError(errorText(body, 200), 200, body);
  return body;
}
