import { ChatCompletionError, type ChatCompletionPort } from '../../shared/llm/chat-completion.port';
import { redactSecrets } from '../../shared/llm/openai-chat-completion.adapter';
import type { ConnectionTestResultDto, TestErrorCode } from './connection-test.dto';

/** One resolved endpoint to try. `chat`: the model is a text model, so a 1-token completion may confirm it. */
export interface ProbeTarget {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
  readonly chat: boolean;
  readonly timeoutMs: number;
}

/** A /models list longer than this is not read further (OpenRouter's is ~1 MB). */
const MAX_LIST_BYTES = 4 * 1024 * 1024;

type Listing = { kind: 'list'; ids: string[] } | { kind: 'absent'; status: number } | { kind: 'failed'; code: TestErrorCode; message: string };

const fail = (code: TestErrorCode, message: string): Listing => ({ kind: 'failed', code, message });

function statusFailure(status: number, detail: string): Listing {
  if (status === 401 || status === 403) return fail('bad_key', `The provider refused the key (HTTP ${status}). Check that it is complete and belongs to this provider.`);
  if (status === 429) return fail('rate_limited', 'The provider is rate-limiting this key (HTTP 429): wait a moment or check the account balance.');
  if (status >= 500) return fail('server_error', `The provider had a problem of its own (HTTP ${status}); try again later.`);
  return fail('http_error', `The provider answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
}

/** The network failure of a fetch in plain words (refused, unknown host, timed out). */
function networkFailure(err: unknown, timedOut: boolean): Listing {
  if (timedOut) return fail('timeout', 'No answer in time: the server is too slow or the address is wrong.');
  const cause = (err as { cause?: { code?: string } } | null)?.cause;
  const code = cause?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail('unreachable', 'That host name does not exist or there is no internet connection.');
  return fail('unreachable', `Nothing answers at this address${code ? ` (${code})` : ''}. Is the server running and the URL right?`);
}

async function readCapped(res: Response): Promise<string> {
  const reader = res.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > MAX_LIST_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function providerDetail(text: string, apiKey: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (typeof m === 'string') return redactSecrets(m, apiKey).slice(0, 200);
  } catch {
    // not JSON
  }
  return '';
}

/** GET {base}/models: the model ids, "no such route" (404/405 or not JSON), or why it failed. */
async function listModels(t: ProbeTarget, signal: AbortSignal): Promise<Listing> {
  const url = `${t.baseUrl.replace(/\/+$/, '')}/models`;
  try {
    // Redirects are not followed: the key would travel to (and the test probe) wherever they point.
    const res = await fetch(url, { headers: t.apiKey ? { authorization: `Bearer ${t.apiKey}` } : {}, signal, redirect: 'manual' });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      return fail('http_error', `The address redirects elsewhere (HTTP ${res.status}${res.headers.get('location') ? ` to ${res.headers.get('location')?.slice(0, 200)}` : ''}); enter the final address instead.`);
    }
    const text = await readCapped(res);
    if (res.status === 404 || res.status === 405) return { kind: 'absent', status: res.status };
    if (!res.ok) return statusFailure(res.status, providerDetail(text, t.apiKey));
    const body = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(body.data)) return { kind: 'absent', status: res.status };
    const idOf = (m: unknown): string => {
      const id = m && typeof m === 'object' ? (m as { id?: unknown }).id : m;
      return typeof id === 'string' ? id : '';
    };
    return { kind: 'list', ids: body.data.map(idOf) };
  } catch (err) {
    if (err instanceof SyntaxError) return { kind: 'absent', status: 200 };
    return networkFailure(err, signal.aborted);
  }
}

/** One token from the model: confirms it exists where the list did not say. */
async function askOneToken(chat: ChatCompletionPort, t: ProbeTarget, timeoutMs: number, listed: boolean): Promise<Listing | undefined> {
  try {
    await chat.complete({ baseUrl: t.baseUrl, apiKey: t.apiKey, model: t.model }, [{ role: 'user', content: 'ping' }], { maxTokens: 1, timeoutMs, followRedirects: false });
    return undefined;
  } catch (err) {
    if (!(err instanceof ChatCompletionError)) return fail('http_error', redactSecrets(String(err), t.apiKey));
    if (err.kind === 'timeout') return networkFailure(err, true);
    if (err.kind === 'connection') return networkFailure(err, false);
    const modelText = /model/i.test(err.message);
    if (err.status === 404 && (listed || modelText)) return fail('model_not_found', `The provider does not know the model "${t.model}".`);
    if (err.status === 404) return fail('not_found', 'No OpenAI-compatible API at this address. Check the URL (it usually ends in /v1).');
    if (err.status === 400 && modelText) return fail('model_not_found', `The provider refused the model "${t.model}": ${redactSecrets(err.message, t.apiKey).slice(0, 200)}`);
    return statusFailure(err.status ?? 0, redactSecrets(err.message, t.apiKey).slice(0, 200));
  }
}

/** Tries the endpoint: its model list first, then (text models only) one token when the list could not tell. */
export async function probeEndpoint(chat: ChatCompletionPort, t: ProbeTarget): Promise<ConnectionTestResultDto> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const base = { base_url: t.baseUrl, ...(t.model ? { model: t.model } : {}) };
  const failed = (l: Extract<Listing, { kind: 'failed' }>): ConnectionTestResultDto => ({ ok: false, latency_ms: elapsed(), error_code: l.code, message: l.message, ...base });
  const listing = await listModels(t, AbortSignal.timeout(t.timeoutMs));
  if (listing.kind === 'failed') return failed(listing);
  const listed = listing.kind === 'list';
  if (!t.model) {
    if (!listed) return failed({ kind: 'failed', code: 'not_found', message: 'No OpenAI-compatible API at this address. Check the URL (it usually ends in /v1).' });
    return { ok: true, latency_ms: elapsed(), message: `Connected: the key works and ${listing.ids.length} models are offered.`, ...base };
  }
  if (listed && listing.ids.includes(t.model)) return { ok: true, latency_ms: elapsed(), model_found: true, message: `Connected: the key works and "${t.model}" is available.`, ...base };
  if (!t.chat) {
    if (!listed) return { ok: true, latency_ms: elapsed(), message: 'The server answered, but it does not list its models, so the model could not be checked.', ...base };
    return { ok: true, latency_ms: elapsed(), model_found: false, message: `The key works, but "${t.model}" is not in the provider's list (realtime and voice models often are not).`, ...base };
  }
  const remaining = t.timeoutMs - elapsed();
  if (remaining < 100) return failed({ kind: 'failed', code: 'timeout', message: 'No answer in time: the server is too slow or the address is wrong.' });
  const problem = await askOneToken(chat, t, remaining, listed);
  if (problem?.kind === 'failed') return problem.code === 'model_not_found' ? { ...failed(problem), model_found: false } : failed(problem);
  return { ok: true, latency_ms: elapsed(), model_found: true, message: `Connected: "${t.model}" answered.`, ...base };
}
