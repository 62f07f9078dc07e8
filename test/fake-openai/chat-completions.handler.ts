import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { applyStep, newId, sendInvalid, sendJson, unixNow, type HttpContext, type Json } from './fake-openai.http';
import type { ChatStep } from './fake-openai.script';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** Rough, deterministic token count: one per CJK character, one per 4 other characters. */
export function countTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    if (/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch)) cjk++;
    else other++;
  }
  return Math.max(1, cjk + Math.ceil(other / 4));
}

/** Splits text into pieces of `size` characters (code points, so emoji and CJK stay whole). */
export function splitText(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += Math.max(1, size)) out.push(chars.slice(i, i + Math.max(1, size)).join(''));
  return out;
}

/** 400 message for a malformed request, or undefined when it looks like OpenAI would accept it. */
function validate(body: Json): { message: string; param: string } | undefined {
  if (typeof body.model !== 'string' || body.model === '') return { message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(body.messages)) return { message: "Missing required parameter: 'messages'.", param: 'messages' };
  if (body.messages.length === 0) return { message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'messages' };
  for (const [i, m] of (body.messages as unknown[]).entries()) {
    const role = (m as Json | null)?.role;
    if (typeof role !== 'string' || !ROLES.includes(role)) {
      return { message: `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, param: `messages[${i}].role` };
    }
    if (role === 'tool' && typeof (m as Json).tool_call_id !== 'string') return { message: `Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.`, param: `messages[${i}].tool_call_id` };
  }
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: 'stream_options' };
  }
  return undefined;
}

function toolCallsOf(step: ChatStep): ToolCall[] {
  return (step.toolCalls ?? []).map((t) => ({
    id: t.id ?? `call_${randomBytes(12).toString('base64url')}`,
    type: 'function',
    function: { name: t.name, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments) },
  }));
}

function usageOf(body: Json, completion: string): Json {
  const prompt = countTokens(JSON.stringify(body.messages));
  const output = countTokens(completion);
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** POST …/chat/completions: a `chat.completion`, or SSE `chat.completion.chunk`s when `stream: true`. */
export async function chatCompletions(body: Json, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const invalid = validate(body);
  if (invalid) return sendInvalid(res, invalid.message, invalid.param);
  const stream = body.stream === true;
  const step = ctx.script.nextChat(body);
  if (await applyStep(res, step, ctx.timers, stream)) return;

  const toolCalls = toolCallsOf(step);
  const content = step.content ?? (toolCalls.length > 0 ? null : '');
  const finish = step.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const base = { id: newId('chatcmpl'), created: unixNow(), model: body.model, service_tier: 'default', system_fingerprint: 'fp_fake0001' };
  const usage = usageOf(body, (content ?? '') + toolCalls.map((t) => t.function.name + t.function.arguments).join(''));

  if (!stream) {
    const message: Json = { role: 'assistant', content, refusal: null, annotations: [] };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return sendJson(res, { ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage });
  }
  await streamChunks(body, res, ctx, step, { base, content, toolCalls, finish, usage });
}

interface StreamPlan {
  readonly base: Json;
  readonly content: string | null;
  readonly toolCalls: readonly ToolCall[];
  readonly finish: string;
  readonly usage: Json;
}

async function streamChunks(body: Json, res: ServerResponse, ctx: HttpContext, step: ChatStep, plan: StreamPlan): Promise<void> {
  const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
  const deltas: Array<{ delta: Json; finish: string | null }> = [{ delta: { role: 'assistant', content: '', refusal: null }, finish: null }];
  for (const piece of splitText(plan.content ?? '', step.chunkSize ?? 4)) deltas.push({ delta: { content: piece }, finish: null });
  for (const [index, call] of plan.toolCalls.entries()) {
    deltas.push({ delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, finish: null });
    for (const piece of splitText(call.function.arguments, 8)) deltas.push({ delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish: null });
  }
  deltas.push({ delta: {}, finish: plan.finish });
  const cutAt = step.disconnect ? Math.max(1, Math.floor(deltas.length / 2)) : Infinity;

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': newId('req', '_') });
  const write = (chunk: Json) => res.write(`data: ${JSON.stringify({ ...plan.base, object: 'chat.completion.chunk', ...chunk })}\n\n`);
  for (const [i, d] of deltas.entries()) {
    if (res.destroyed || ctx.timers.closed) return;
    if (i >= cutAt) {
      await new Promise<void>((resolve) => res.write('', () => resolve())); // flush what was sent, then cut
      return void res.socket?.destroy();
    }
    write({ choices: [{ index: 0, delta: d.delta, logprobs: null, finish_reason: d.finish }], ...(includeUsage ? { usage: null } : {}) });
    if (step.chunkDelayMs) await ctx.timers.sleep(step.chunkDelayMs);
  }
  if (res.destroyed) return;
  if (includeUsage) write({ choices: [], usage: plan.usage });
  res.end('data: [DONE]\n\n');
}
