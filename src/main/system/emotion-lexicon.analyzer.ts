import { EN_LEXICON, EN_NEGATORS, ZH_LEXICON, ZH_NEGATION_BEFORE, type LexicalEmotion } from './emotion-lexicon.const';

export interface EmotionResult {
  readonly emotion: string;
  readonly confidence: number;
}

type Scores = Record<LexicalEmotion, number>;

const EMOTIONS: readonly LexicalEmotion[] = ['happy', 'sad', 'angry', 'surprised'];
/** Longest first, so 不舒服 (sad) wins over 舒服 (happy) and 真的假的 over 真的吗. */
const ZH_ENTRIES = EMOTIONS.flatMap((e) => Object.entries(ZH_LEXICON[e]).map(([word, weight]) => ({ word, weight, emotion: e }))).sort((a, b) => b.word.length - a.word.length);
const MAX_TEXT = 4000;

/** A negated cue: "not happy" leans sad; "not sad/angry/surprised" only cancels the cue. */
function addCue(scores: Scores, emotion: LexicalEmotion, weight: number, negated: boolean): void {
  if (!negated) scores[emotion] += weight;
  else if (emotion === 'happy') scores.sad += weight * 0.8;
}

function scoreChinese(text: string, scores: Scores): void {
  const taken = new Array<boolean>(text.length).fill(false);
  for (const { word, weight, emotion } of ZH_ENTRIES) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
      if (taken.slice(at, at + word.length).some(Boolean)) continue;
      taken.fill(true, at, at + word.length);
      addCue(scores, emotion, weight, ZH_NEGATION_BEFORE.test(text.slice(Math.max(0, at - 4), at)));
    }
  }
}

function scoreEnglish(text: string, scores: Scores): void {
  const words = text.toLowerCase().replace(/[’]/g, "'").match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
  words.forEach((word, i) => {
    for (const emotion of EMOTIONS) {
      const weight = EN_LEXICON[emotion][word];
      if (weight === undefined) continue;
      const negated = words.slice(Math.max(0, i - 3), i).some((w) => EN_NEGATORS.has(w) || w.endsWith("n't"));
      addCue(scores, emotion, weight, negated);
    }
  });
}

/**
 * Offline emotion guess for /api/emotion/analysis when no emotion model is configured
 * (our addition: the original answered an error and the avatar stayed neutral). Lexicon cues in
 * Chinese and English with negation, then punctuation: exclamation marks strengthen the leading
 * emotion (or mean surprise when nothing else is found), "?!" means surprise.
 */
export function analyzeEmotionLexically(input: string): EmotionResult {
  const text = input.slice(0, MAX_TEXT);
  const scores: Scores = { happy: 0, sad: 0, angry: 0, surprised: 0 };
  scoreChinese(text, scores);
  scoreEnglish(text, scores);

  const exclamations = Math.min(3, (text.match(/[!！]/g) ?? []).length);
  if (/[?？][!！]|[!！][?？]/.test(text)) scores.surprised += 2;
  const ranked = [...EMOTIONS].sort((a, b) => scores[b] - scores[a]);
  const top = ranked[0];
  if (scores[top] > 0) scores[top] += 0.5 * exclamations;
  else if (exclamations > 0) scores.surprised += 0.5 + 0.25 * exclamations;

  const [first, second] = [...EMOTIONS].sort((a, b) => scores[b] - scores[a]);
  const best = scores[first];
  if (best <= 0) return { emotion: 'neutral', confidence: 0.5 };
  const margin = best - scores[second];
  const confidence = Math.min(0.95, Math.max(0.3, 0.4 + 0.1 * best + 0.1 * margin));
  return { emotion: margin > 0 ? first : 'neutral', confidence: Math.round(confidence * 100) / 100 };
}
