/** Answer of a peer server: status and parsed JSON (undefined when the body was not JSON). */
export interface PeerResponse<T = unknown> {
  readonly status: number;
  readonly ok: boolean;
  readonly json: T | undefined;
  readonly text: string;
}

export interface PeerRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly timeoutMs?: number;
}

/** Largest answer read from a peer (the memory browser's pages are far below this). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * HTTP to one of our own servers on the loopback interface (memory 48912, agent 48915), with a
 * timeout on every call. Network errors and time-outs reject with an Error whose message says
 * which server and why; HTTP error statuses resolve (callers map them to the original's shapes).
 */
export class PeerHttpClient {
  constructor(
    private readonly baseUrl: string,
    private readonly label: string,
    private readonly defaultTimeoutMs: number,
  ) {}

  url(path: string, query?: PeerRequest['query']): string {
    const url = new URL(path.replace(/^\/*/, '/'), this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async request<T = unknown>(path: string, req: PeerRequest = {}): Promise<PeerResponse<T>> {
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    let res: Response;
    try {
      res = await fetch(this.url(path, req.query), {
        method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
        headers: req.body === undefined ? {} : { 'content-type': 'application/json' },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((e.cause as Error | undefined)?.message ?? e.message);
      throw new Error(`${this.label} unreachable: ${why}`, { cause: err });
    }
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_ANSWER_BYTES) throw new Error(`${this.label} answer too large (${length} bytes)`);
    const text = await res.text();
    let json: T | undefined;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as T);
    } catch {
      json = undefined;
    }
    return { status: res.status, ok: res.ok, json, text };
  }
}
