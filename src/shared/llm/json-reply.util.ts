/**
 * Tolerant reading of a model's JSON answer (spec §12.3: replies may come wrapped in Markdown fences).
 * Models also put reasoning in `<think>` blocks or prose around the value, so rather than only
 * stripping a leading fence (as N.E.K.O. does) we look for the first balanced JSON object or array.
 */

import { boundCodePoints } from '../text/bounded-text.util';

/** Longest reply examined; a runaway model must not make the scan expensive. */
export const MAX_JSON_REPLY_CHARS = 100_000;
/** At most this many opening brackets are tried as the start of a value. */
const MAX_START_CANDIDATES = 64;

const THINK_BLOCK = /<think>[\s\S]*?<\/think>/gi;
const CLOSE_TAG = /<\/think>/gi;
const OPEN_TAG = /<think>/i;
const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)```/g;

/** The first JSON object or array in `text`. Throws an Error when there is none. */
export function parseJsonReply(text: string): unknown {
  const cleaned = stripThinking(typeof text === 'string' ? text.slice(0, MAX_JSON_REPLY_CHARS) : '').trim();
  if (cleaned === '') throw new Error('the reply is empty');
  const whole = tryParse(cleaned);
  if (whole.ok) return whole.value;
  for (const match of cleaned.matchAll(FENCE)) {
    const inner = (match[1] ?? '').trim();
    const parsed = tryParse(inner);
    if (parsed.ok) return parsed.value;
    const found = firstBalancedValue(inner);
    if (found.ok) return found.value;
  }
  const found = firstBalancedValue(cleaned);
  if (found.ok) return found.value;
  throw new Error(`no JSON object or array in the reply: ${boundCodePoints(cleaned, 80)}`);
}

/**
 * Removes reasoning: `<think>…</think>` blocks; a reply that starts mid-reasoning (only a closing tag)
 * keeps what follows it; an unclosed `<think>` (the model ran out of tokens while reasoning) drops
 * everything from it to the end, since none of that is the answer.
 */
export function stripThinking(text: string): string {
  let out = text.replace(THINK_BLOCK, '');
  const close = [...out.matchAll(CLOSE_TAG)].pop();
  if (close?.index !== undefined) out = out.slice(close.index + close[0].length);
  const open = out.search(OPEN_TAG);
  if (open >= 0) out = out.slice(0, open);
  return out;
}

/** A field of a JSON answer as a yes/no: models write true, "true", "True", "yes", 1, "1" … */
export function truthy(v: unknown): boolean {
  if (v === true || v === 1) return true;
  return typeof v === 'string' && ['true', 'yes', '1'].includes(v.trim().toLowerCase());
}

/** A field of a JSON answer as text: a string (trimmed) or a finite number; '' for anything else. */
export function readText(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

type Parsed = { ok: true; value: unknown } | { ok: false };

/** Only objects and arrays count: a bare `true` or `"text"` is not a structured answer. */
function tryParse(text: string): Parsed {
  const first = text[0];
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function firstBalancedValue(text: string): Parsed {
  let tried = 0;
  for (let start = 0; start < text.length && tried < MAX_START_CANDIDATES; start++) {
    const c = text[start];
    if (c !== '{' && c !== '[') continue;
    tried++;
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    const parsed = tryParse(text.slice(start, end + 1));
    if (parsed.ok) return parsed;
  }
  return { ok: false };
}

/** Index of the bracket closing the one at `start` (strings and escapes respected), or -1. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}
