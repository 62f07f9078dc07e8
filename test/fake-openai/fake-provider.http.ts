import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashedEmbedding, sinePcm16, wavFromPcm16 } from './fake-provider.audio';
import type { ChatStep, FakeScript, ScriptedError } from './fake-provider.script';

export interface HttpOptions {
  readonly script: FakeScript;
  readonly models: readonly string[];
  readonly embeddingDimensions: number;
}

type Json = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const id = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

const ERROR_KINDS: Readonly<Record<number, { type: string; code: string | null; message: string }>> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Forbidden' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached, please try again later.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later' },
};

/** OpenAI's error body: {"error": {"message", "type", "param", "code"}}. */
export function sendError(res: ServerResponse, error: ScriptedError, param: string | null = null): void {
  const kind = ERROR_KINDS[error.status] ?? { type: 'server_error', code: null, message: 'Error' };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': id('req') };
  if (error.retryAfterMs !== undefined) {
    headers['retry-after-ms'] = String(error.retryAfterMs);
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  }
  res.writeHead(error.status, headers);
  res.end(JSON.stringify({ error: { message: error.message ?? kind.message, type: kind.type, param, code: kind.code } }));
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': id('req') });
  res.end(JSON.stringify(body));
}

function messageText(message: unknown): string {
  const content = (message as Json | undefined)?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof (p as Json).text === 'string' ? (p as Json).text : '')).join('');
  return '';
}

function toolCallsOf(step: ChatStep): Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> {
  return (step.toolCalls ?? []).map((t) => ({
    id: t.id ?? `call_${randomBytes(8).toString('hex')}`,
    type: 'function',
    function: { name: t.name, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments) },
  }));
}

function chunks(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** POST /v1/chat/completions, streaming (SSE) or not, with tool calls and scripted errors. */
export async function chatCompletions(body: Json, res: ServerResponse, opts: HttpOptions): Promise<void> {
  if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
    return sendError(res, { status: 400, message: "'model' and a non-empty 'messages' array are required" }, 'messages');
  }
  const step: ChatStep = opts.script.nextChat() ?? { content: `Echo: ${messageText(body.messages[body.messages.length - 1])}` };
  if (step.delayMs) await sleep(step.delayMs);
  if (step.error) return sendError(res, step.error);
  const toolCalls = toolCallsOf(step);
  const content = step.content ?? (toolCalls.length > 0 ? null : '');
  const finish = step.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const base = { id: id('chatcmpl'), created: now(), model: body.model, system_fingerprint: 'fp_fake' };
  const promptTokens = JSON.stringify(body.messages).length >> 2;
  const completionTokens = Math.max(1, (content ?? '').length >> 2);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };

  if (body.stream !== true) {
    const message: Json = { role: 'assistant', content, refusal: null };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return sendJson(res, { ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage });
  }

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': id('req') });
  const send = async (delta: Json, finishReason: string | null = null) => {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`);
    if (step.chunkDelayMs) await sleep(step.chunkDelayMs);
  };
  await send({ role: 'assistant', content: '', refusal: null });
  for (const piece of chunks(content ?? '', step.chunkSize ?? 4)) await send({ content: piece });
  for (const [index, call] of toolCalls.entries()) {
    await send({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
    for (const piece of chunks(call.function.arguments, 8)) await send({ tool_calls: [{ index, function: { arguments: piece } }] });
  }
  await send({}, finish);
  const options = body.stream_options as Json | undefined;
  if (options?.include_usage === true && !res.destroyed) {
    res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

/** POST /v1/embeddings: deterministic hashed vectors; float arrays or base64 float32 (the SDK's default). */
export async function embeddings(body: Json, res: ServerResponse, opts: HttpOptions): Promise<void> {
  const step = opts.script.nextEmbeddings();
  if (step?.delayMs) await sleep(step.delayMs);
  if (step?.error) return sendError(res, step.error);
  const input = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : undefined;
  if (typeof body.model !== 'string' || !texts || texts.length === 0) return sendError(res, { status: 400, message: "'model' and 'input' are required" }, 'input');
  const dims = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : opts.embeddingDimensions;
  const base64 = body.encoding_format === 'base64';
  const data = texts.map((text, index) => {
    const vector = hashedEmbedding(text, dims);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = texts.reduce((a, t) => a + Math.max(1, t.length >> 2), 0);
  sendJson(res, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** POST /v1/audio/speech: a tone whose length follows the text (pcm = raw 24 kHz s16le, wav). */
export async function speech(body: Json, res: ServerResponse, opts: HttpOptions): Promise<void> {
  const step = opts.script.nextSpeech();
  if (step?.delayMs) await sleep(step.delayMs);
  if (step?.error) return sendError(res, step.error);
  if (typeof body.model !== 'string' || typeof body.input !== 'string' || typeof body.voice !== 'string') {
    return sendError(res, { status: 400, message: "'model', 'input' and 'voice' are required" });
  }
  const format = (body.response_format as string | undefined) ?? 'mp3';
  if (format !== 'pcm' && format !== 'wav') return sendError(res, { status: 400, message: `response_format '${format}' is not supported by the fake provider (use pcm or wav)` }, 'response_format');
  const durationMs = Math.min(10_000, Math.max(200, Array.from(body.input).length * 50));
  const pcm = sinePcm16(durationMs);
  res.writeHead(200, { 'content-type': format === 'wav' ? 'audio/wav' : 'audio/pcm', 'x-request-id': id('req') });
  res.end(format === 'wav' ? wavFromPcm16(pcm) : pcm);
}

export function models(res: ServerResponse, opts: HttpOptions): void {
  sendJson(res, { object: 'list', data: opts.models.map((m) => ({ id: m, object: 'model', created: 1_700_000_000, owned_by: 'fake' })) });
}

/** Reads a JSON body (bounded); resolves undefined when it is not JSON. */
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
        const v: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
        resolve(typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}
