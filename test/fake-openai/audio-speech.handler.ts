import type { ServerResponse } from 'node:http';
import { countTokens } from './chat-completions.handler';
import { applyStep, newId, sendInvalid, sendJson, unixNow, type HttpContext, type Json } from './fake-openai.http';
import { OUTPUT_SAMPLE_RATE, speechPcm16, splitBuffer, wavFromPcm16 } from './pcm-audio.util';

const KNOWN_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'];
/** 100 ms of 24 kHz pcm16 per streamed chunk. */
const CHUNK_BYTES = 4800;

function sse(res: ServerResponse): (data: unknown) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': newId('req', '_') });
  return (data) => {
    if (!res.destroyed) res.write(`data: ${JSON.stringify(data)}\n\n`);
  };
}

/**
 * POST …/audio/speech: a 440 Hz tone, 50 ms per input character (0.2–10 s, divided by `speed`).
 * `response_format` `pcm` = raw 24 kHz s16le mono, `wav` = the same with a RIFF header; the
 * other OpenAI formats get a 400. Streaming dialects:
 *  - OpenAI `stream_format: "sse"`: `speech.audio.delta {audio}` events, then `speech.audio.done {usage}`;
 *  - GLM CogTTS `stream: true` (+ `encode_format: "base64"`): chat-style chunks whose
 *    `choices[0].delta.content` is base64 PCM with `return_sample_rate`, then `[DONE]`.
 */
export async function speech(body: Json, res: ServerResponse, ctx: HttpContext): Promise<void> {
  if (typeof body.model !== 'string' || body.model === '') return sendInvalid(res, 'you must provide a model parameter', 'model');
  if (typeof body.input !== 'string' || body.input === '') return sendInvalid(res, "Missing required parameter: 'input'.", 'input');
  if (Array.from(body.input).length > 4096) return sendInvalid(res, "'input' is too long: the maximum is 4096 characters.", 'input');
  const voice = body.voice;
  if (typeof voice !== 'string' && typeof (voice as Json | undefined)?.id !== 'string') return sendInvalid(res, "Missing required parameter: 'voice'.", 'voice');
  const format = body.response_format ?? 'mp3';
  if (typeof format !== 'string' || !KNOWN_FORMATS.includes(format)) {
    return sendInvalid(res, `Invalid value: ${JSON.stringify(format)}. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.`, 'response_format');
  }
  if (format !== 'pcm' && format !== 'wav') return sendInvalid(res, `The fake provider only produces 'pcm' and 'wav', not '${format}'.`, 'response_format');
  const speed = typeof body.speed === 'number' ? body.speed : 1;
  if (speed < 0.25 || speed > 4) return sendInvalid(res, `Invalid 'speed': ${speed}. Expected a value between 0.25 and 4.0.`, 'speed');
  if (await applyStep(res, ctx.script.next('speech'), ctx.timers)) return;

  const pcm = speechPcm16(body.input, 50, speed);
  const audio = format === 'wav' ? wavFromPcm16(pcm) : pcm;
  if (body.stream === true) return cogTtsStream(res, body, pcm);
  if (body.stream_format === 'sse') {
    const send = sse(res);
    for (const chunk of splitBuffer(audio, CHUNK_BYTES)) send({ type: 'speech.audio.delta', audio: chunk.toString('base64') });
    const input = countTokens(body.input);
    const output = Math.ceil(pcm.length / 2 / 480);
    send({ type: 'speech.audio.done', usage: { input_tokens: input, output_tokens: output, total_tokens: input + output } });
    return void res.end();
  }
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': format === 'wav' ? 'audio/wav' : 'audio/pcm', 'content-length': String(audio.length), 'x-request-id': newId('req', '_') });
  res.end(audio);
}

/** GLM CogTTS streaming: `data: {choices: [{delta: {content: <b64 pcm>, return_sample_rate}}]}` … `[DONE]`. */
function cogTtsStream(res: ServerResponse, body: Json, pcm: Buffer): void {
  const send = sse(res);
  const base = { id: newId('tts', '_'), created: unixNow(), model: body.model };
  for (const chunk of splitBuffer(pcm, CHUNK_BYTES)) {
    const delta = { role: 'assistant', content: chunk.toString('base64'), return_sample_rate: OUTPUT_SAMPLE_RATE, return_format: 'pcm' };
    send({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
  }
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' }] });
  if (!res.destroyed) res.end('data: [DONE]\n\n');
}

/** GET …/models: the configured model list, in OpenAI's shape. */
export async function models(res: ServerResponse, ctx: HttpContext): Promise<void> {
  if (await applyStep(res, ctx.script.next('models'), ctx.timers)) return;
  sendJson(res, { object: 'list', data: ctx.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })) });
}
