/**
 * Multipart upload with progress. fetch() cannot report upload progress, so this one request
 * goes through XMLHttpRequest; it answers and fails like core/api.ts (ApiError with a showable
 * message, `{success:false}` bodies included).
 */
import { ApiError, ensureOk } from '../../core/api';
import { t } from '../../core/i18n';

export interface UploadProgress {
  /** 0–1 while sending; 1 once the server has the whole body and is processing it. */
  readonly fraction: number;
  readonly sent: boolean;
}

/** The server's own words for a failure (`error`, `message`, FastAPI's `detail`), else undefined. */
function serverText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const value of [b.error, b.message, b.detail]) if (typeof value === 'string' && value.trim() !== '') return value;
  return undefined;
}

export function uploadWithProgress<T>(path: string, form: FormData, onProgress: (p: UploadProgress) => void, timeoutMs = 600_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.timeout = timeoutMs;
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) onProgress({ fraction: ev.total === 0 ? 1 : ev.loaded / ev.total, sent: false });
    };
    xhr.upload.onload = () => onProgress({ fraction: 1, sent: true });
    xhr.onerror = () => reject(new ApiError(t('error.network'), 0, undefined));
    xhr.ontimeout = () => reject(new ApiError(t('error.timeout'), 0, undefined));
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = xhr.responseText === '' ? null : JSON.parse(xhr.responseText);
      } catch {
        // not JSON: keep the text
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(new ApiError(serverText(body) ?? t('error.http', { status: xhr.status }), xhr.status, body));
        return;
      }
      try {
        resolve(ensureOk(body as T));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    xhr.send(form);
  });
}
