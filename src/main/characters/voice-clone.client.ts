import { Injectable } from '@nestjs/common';

/** Keys of the upload host's answer that may hold the file's link, in the original's order. */
const LINK_KEYS = ['downloadLink', 'download_link', 'url', 'direct_link', 'link', 'download_url'];

export type UploadResult = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly error: string };

/** Answer of the DashScope voice enrollment call. */
export interface Enrollment {
  readonly voiceId: string;
  readonly requestId: string;
}

/** A failed enrollment; the message is shaped like the DashScope SDK's (status and error code included). */
export class EnrollmentError extends Error {}

/**
 * The two HTTP calls of voice cloning: putting the sample on the configured upload host (the
 * original used the third-party tfLink host; here it is the user's own choice) and DashScope's
 * voice enrollment (`POST <tts host>/api/v1/services/audio/tts/customization`).
 */
@Injectable()
export class VoiceCloneClient {
  async upload(uploadUrl: string, filename: string, mime: string, data: Buffer): Promise<UploadResult> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type: mime }), filename);
    const res = await fetch(uploadUrl, { method: 'POST', body: form, headers: { accept: 'application/json' }, signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    if (res.status !== 200) return { ok: false, error: `上传到tfLink失败，状态码: ${res.status}, 详情: ${text.slice(0, 200)}` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: `上传成功但响应格式无法解析: ${text.slice(0, 200)}` };
    }
    const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
    const key = LINK_KEYS.find((k) => k in record);
    const url = key === undefined ? undefined : record[key];
    if (!url) return { ok: false, error: '上传成功但无法从响应中提取URL' };
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return { ok: false, error: `无效的URL格式: ${typeof url === 'string' ? url.slice(0, 500) : JSON.stringify(url).slice(0, 500)}` };
    const head = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    if (head.status >= 400) return { ok: false, error: '生成的临时URL无法访问，请重试' };
    return { ok: true, url };
  }

  /** create_voice(target_model, prefix, url); throws EnrollmentError with the provider's words. */
  async enroll(endpoint: string, apiKey: string, prefix: string, url: string, timeoutMs = 60_000): Promise<Enrollment> {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'voice-enrollment', input: { action: 'create_voice', target_model: 'cosyvoice-v3-plus', prefix, url } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError') throw new EnrollmentError(`ResponseTimeout: no answer from ${new URL(endpoint).host} within ${timeoutMs} ms (timeout)`);
      throw new EnrollmentError(`${(e.cause as Error | undefined)?.message ?? e.message}`);
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) json = parsed as Record<string, unknown>;
    } catch {
      // not JSON: reported below with the raw text
    }
    const requestId = typeof json.request_id === 'string' ? json.request_id : '';
    const output = (json.output ?? {}) as Record<string, unknown>;
    if (res.status === 200 && typeof output.voice_id === 'string' && output.voice_id) return { voiceId: output.voice_id, requestId };
    const code = typeof json.code === 'string' ? json.code : '';
    const message = typeof json.message === 'string' ? json.message : text.slice(0, 300);
    throw new EnrollmentError(`Request: ${requestId}, Status Code: ${res.status}, Error Code: ${code}, Error Message: ${message}`);
  }
}

/** DashScope's enrollment endpoint on the host of the tts tier's URL (wss→https, ws→http). */
export function enrollmentEndpoint(ttsBaseUrl: string): string | undefined {
  try {
    const u = new URL(ttsBaseUrl);
    const protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
    if (protocol !== 'http:' && protocol !== 'https:') return undefined;
    return `${protocol}//${u.host}/api/v1/services/audio/tts/customization`;
  } catch {
    return undefined;
  }
}
