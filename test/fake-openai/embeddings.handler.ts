import type { ServerResponse } from 'node:http';
import { countTokens } from './chat-completions.handler';
import { applyStep, sendInvalid, sendJson, type HttpContext, type Json } from './fake-openai.http';

/**
 * Deterministic unit vector for a text: words and character trigrams hashed (FNV-1a) into signed
 * buckets, then L2-normalised. Equal texts give equal vectors; texts sharing words or trigrams
 * get a positive cosine, so similarity search behaves plausibly.
 */
export function hashedEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const normalized = text.toLowerCase();
  const grams = normalized.split(/\s+/).filter(Boolean);
  const chars = Array.from(normalized);
  for (let i = 0; i + 3 <= chars.length; i++) grams.push(chars.slice(i, i + 3).join(''));
  if (grams.length === 0) grams.push(normalized);
  for (const gram of grams) {
    let h = 0x811c9dc5;
    for (const ch of gram) {
      h ^= ch.codePointAt(0)!;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    v[h % dimensions] += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** float32 little-endian, base64: what `encoding_format: "base64"` returns (and the SDK decodes). */
export function toBase64Float32(vector: readonly number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

/** The inputs as texts (token arrays are rendered as their numbers), or an error message. */
function inputsOf(input: unknown): string[] | string {
  const isTokens = (x: unknown): x is number[] => Array.isArray(x) && x.length > 0 && x.every((t) => typeof t === 'number');
  if (typeof input === 'string') return input === '' ? "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." : [input];
  if (isTokens(input)) return [input.join(' ')];
  if (!Array.isArray(input) || input.length === 0) return "'input' must be a non-empty string or array.";
  if (input.length > 2048) return `'$.input' is too long: ${input.length} items, the maximum is 2048.`;
  const texts: string[] = [];
  for (const x of input) {
    if (typeof x === 'string' && x !== '') texts.push(x);
    else if (isTokens(x)) texts.push(x.join(' '));
    else return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
  }
  return texts;
}

/** POST …/embeddings: `{object: "list", data: [{object: "embedding", index, embedding}], model, usage}`. */
export async function embeddings(body: Json, res: ServerResponse, ctx: HttpContext): Promise<void> {
  if (typeof body.model !== 'string' || body.model === '') return sendInvalid(res, 'you must provide a model parameter', 'model');
  const texts = inputsOf(body.input);
  if (typeof texts === 'string') return sendInvalid(res, texts, 'input');
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return sendInvalid(res, `Invalid value: ${JSON.stringify(format)}. Supported values are: 'float' and 'base64'.`, 'encoding_format');
  const dims = body.dimensions ?? ctx.embeddingDimensions;
  if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1) return sendInvalid(res, `Invalid value for 'dimensions' = ${JSON.stringify(dims)}. Must be a positive integer.`, 'dimensions');
  if (await applyStep(res, ctx.script.next('embeddings'), ctx.timers)) return;

  const data = texts.map((text, index) => {
    const vector = hashedEmbedding(text, dims);
    return { object: 'embedding', index, embedding: format === 'base64' ? toBase64Float32(vector) : vector };
  });
  const tokens = texts.reduce((a, t) => a + countTokens(t), 0);
  sendJson(res, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}
