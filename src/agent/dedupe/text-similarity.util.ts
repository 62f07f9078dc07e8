/**
 * Cheap, language-neutral text similarity for the task deduper: normalised text → a set of shingles
 * (character bigrams inside CJK runs, padded character trigrams of Latin/digit words), compared by Jaccard
 * and by containment. Works for Chinese, Japanese kana and English without a tokenizer.
 */

/** Longest text compared; longer descriptions are cut (task descriptions are short in practice). */
export const MAX_COMPARED_CHARS = 2000;

/** Politeness and filler that carry no goal ("please", "帮我", "一下" …), removed before shingling. */
const ZH_FILLERS = ['能不能', '可不可以', '麻烦你', '麻烦', '帮我', '帮忙', '给我', '一下', '可以', '请你', '请', '吧', '呢', '吗', '啊', '呀', '了', '的'];
const EN_FILLERS = new Set(['please', 'pls', 'can', 'could', 'would', 'you', 'for', 'me', 'the', 'a', 'an', 'to', 'i', 'want', 'just', 'now', 'again', 'kindly']);

const CJK_CHARS = '\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uac00-\\ud7af';
const CJK = new RegExp(`^[${CJK_CHARS}]+$`, 'u');
/** A run of CJK characters, or a run of other letters/digits. */
const TOKEN = new RegExp(`[${CJK_CHARS}]+|[^${CJK_CHARS}\\s]+`, 'gu');

/** Lower case, NFKC (full-width → half-width), punctuation and spacing collapsed to single spaces. */
export function normalizeText(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text
    .slice(0, MAX_COMPARED_CHARS)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The shingle set of a text (empty for empty or non-string input). CJK text is read as one stream across
 * punctuation and removed fillers (Latin words break it); its characters count once each and as bigrams.
 */
export function shingles(text: unknown): Set<string> {
  const out = new Set<string>();
  const streams: string[] = [];
  let cjk = '';
  for (const token of normalizeText(text).match(TOKEN) ?? []) {
    if (CJK.test(token)) {
      cjk += token;
      continue;
    }
    if (cjk) streams.push(cjk);
    cjk = '';
    if (EN_FILLERS.has(token)) continue;
    const stem = token.length > 4 && token.endsWith('s') ? token.slice(0, -1) : token;
    const padded = ` ${stem} `;
    if (padded.length <= 3) out.add(padded);
    for (let i = 0; i + 3 <= padded.length; i += 1) out.add(padded.slice(i, i + 3));
  }
  if (cjk) streams.push(cjk);
  for (let stream of streams) {
    for (const filler of ZH_FILLERS) stream = stream.split(filler).join('');
    const cs = [...stream];
    for (let i = 0; i < cs.length; i += 1) {
      out.add(cs[i]);
      if (i + 1 < cs.length) out.add(cs[i] + cs[i + 1]);
    }
  }
  return out;
}

function intersectionSize(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const s of small) if (large.has(s)) n += 1;
  return n;
}

export interface Similarity {
  /** |A∩B| / |A∪B| — symmetric overall likeness. */
  readonly jaccard: number;
  /** |A∩B| / |A| — how much of the new text `a` the existing text `b` already covers. */
  readonly containment: number;
  /** Both texts name the same numbers ("5 minutes" vs "10 minutes" differ however alike the rest is). */
  readonly sameNumbers: boolean;
}

/** The distinct digit runs of a text, sorted. */
export function numbersOf(text: unknown): string[] {
  return [...new Set(normalizeText(text).match(/\p{Nd}+/gu) ?? [])].sort();
}

/** Similarity of a new text `a` to an existing text `b`; two empty texts are not similar at all. */
export function similarity(a: unknown, b: unknown): Similarity {
  const sa = shingles(a);
  const sb = shingles(b);
  const sameNumbers = numbersOf(a).join(' ') === numbersOf(b).join(' ');
  if (sa.size === 0 || sb.size === 0) return { jaccard: 0, containment: 0, sameNumbers };
  const both = intersectionSize(sa, sb);
  return { jaccard: both / (sa.size + sb.size - both), containment: both / sa.size, sameNumbers };
}
