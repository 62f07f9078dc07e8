import { Injectable } from '@nestjs/common';
import { MemoryServerClient } from '../clients/peer-clients.module';
import type { PeerRequest } from '../clients/peer-http.client';
import { memoryDown } from './memory-router.service';
import { answer, type WireAnswer } from './peer-answer.util';

/** Largest body forwarded (the memory server's own JSON body limit is Fastify's default, 1 MiB). */
export const MAX_PROXY_BODY_BYTES = 1024 * 1024;
/** Search may rewrite the query with a model first; the other calls are quick. */
const PROXY_TIMEOUT_MS = 30_000;
/** First segments of main's own §3.6 routes: never a character of the proxy. */
const OWN_ROUTES = new Set(['recent_files', 'recent_file', 'update_catgirl_name', 'review_config']);

export interface ProxyAnswer extends WireAnswer {
  /** The answer was not JSON: sent as text. */
  readonly text?: string;
}

/**
 * Forwards the memory browser's JSON API (`/api/memory/{name}/…`) to the memory server: method,
 * path (re-encoded from the decoded segments), raw query string and JSON body; the memory
 * server's status and JSON come back verbatim. It validates names, ids and bodies itself.
 */
@Injectable()
export class MemoryProxyService {
  constructor(private readonly memory: MemoryServerClient) {}

  async forward(method: NonNullable<PeerRequest['method']>, segments: readonly string[], url: string, body?: unknown): Promise<ProxyAnswer> {
    // "." and ".." would be resolved away by URL parsing (also as %2e): the path must stay as routed.
    if (segments.some((s) => s === '.' || s === '..' || s === '')) return answer({ detail: 'Not Found' }, 404);
    if (OWN_ROUTES.has(segments[0])) {
      const ownPath = segments[0] === 'recent_file' && segments[1] === 'save' && segments.length === 2;
      return ownPath ? answer({ detail: 'Method Not Allowed' }, 405) : answer({ detail: 'Not Found' }, 404);
    }
    if (body !== undefined) {
      const size = Buffer.byteLength(JSON.stringify(body) ?? '');
      if (size > MAX_PROXY_BODY_BYTES) return answer({ success: false, error: `请求体过大 (${size} 字节，最大 ${MAX_PROXY_BODY_BYTES} 字节)` }, 413);
    }
    const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    const target = `/api/memory/${segments.map(encodeURIComponent).join('/')}${query}`;
    try {
      const res = await this.memory.request(target, { method, body, timeoutMs: PROXY_TIMEOUT_MS });
      if (res.json === undefined && res.text !== '') return { status: res.status, body: undefined, text: res.text };
      return answer(res.json ?? null, res.status);
    } catch (err) {
      return memoryDown(err);
    }
  }
}
