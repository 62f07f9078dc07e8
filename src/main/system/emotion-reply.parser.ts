import { parseJsonReply } from '../../shared/llm/json-reply.util';
import type { EmotionResult } from './emotion-lexicon.analyzer';

/** Below this the original answers neutral (spec §3.10). */
export const MIN_CONFIDENCE = 0.3;

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
  let parsed: unknown;
  try {
    parsed = parseJsonReply(reply);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { emotion: 'neutral', confidence: 0.5 };
  const obj = parsed as Record<string, unknown>;
  const emotion = typeof obj.emotion === 'string' && obj.emotion.trim() !== '' ? obj.emotion.trim().toLowerCase().slice(0, 32) : 'neutral';
  const confidence = toConfidence(obj.confidence) ?? 0.5;
  return { emotion: confidence < MIN_CONFIDENCE ? 'neutral' : emotion, confidence };
}
