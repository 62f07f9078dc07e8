import type { EmotionResult } from './emotion-lexicon.analyzer';

/** Below this the original answers neutral (spec §3.10). */
export const MIN_CONFIDENCE = 0.3;

/** The first balanced `{…}` in the text (string-aware), or undefined. */
function firstJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start === -1) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

function toConfidence(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : undefined;
}

/**
 * Reads the emotion model's reply tolerantly: plain JSON, JSON inside a ``` fence, or JSON amid
 * other text. Missing fields default like the original (neutral, 0.5); confidence < 0.3 → neutral;
 * nothing parseable → `{"emotion": "neutral", "confidence": 0.5}` (the original's fallback).
 */
export function parseEmotionReply(reply: string): EmotionResult {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(reply)?.[1];
  const candidate = firstJsonObject(fenced ?? reply) ?? firstJsonObject(reply);
  let parsed: unknown;
  try {
    parsed = candidate === undefined ? undefined : JSON.parse(candidate);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { emotion: 'neutral', confidence: 0.5 };
  const obj = parsed as Record<string, unknown>;
  const emotion = typeof obj.emotion === 'string' && obj.emotion.trim() !== '' ? obj.emotion.trim().toLowerCase().slice(0, 32) : 'neutral';
  const confidence = toConfidence(obj.confidence) ?? 0.5;
  return { emotion: confidence < MIN_CONFIDENCE ? 'neutral' : emotion, confidence };
}
