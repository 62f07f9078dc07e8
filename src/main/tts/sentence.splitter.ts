/**
 * Cuts a streamed LLM reply into speakable sentences as early as possible, so the first audio
 * leaves while the model is still writing.
 *
 * - Ends: Chinese/Japanese 。！？；… (with trailing closing quotes), English . ! ? followed by a
 *   space, a CJK character or the end of the turn (not 3.14, example.com, Mr. Dr. e.g. J. K.), newlines.
 * - No end within 60 characters: a soft cut after the last , ， 、 ; (ASCII , not inside 1,000),
 *   or after the first one that follows; at 120 characters a hard cut at the last space.
 * - Never spoken: `<tags>`, emoji, markdown marks (* ` # ~) and the asides the prompts forbid:
 *   (…) （…） […] 【…】, also when a delta ends inside one (held until it closes; an opener with
 *   no closer within 200 characters is dropped alone, an aside still open at flush is dropped).
 *
 * The result depends only on the text, not on how it was cut into deltas: every decision at a
 * position waits until the characters it looks at have arrived.
 */

const CJK_ENDERS = new Set(['。', '！', '？', '；', '…', '．']);
const ASCII_ENDERS = new Set(['.', '!', '?']);
const CLOSERS = new Set(['"', "'", '”', '’', '」', '』', '》', '〉']);
const SOFT_BREAKS = new Set([',', '，', '、', ';']);
const ASIDES: Readonly<Record<string, string>> = { '(': ')', '（': '）', '[': ']', '【': '】' };
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'mt', 'approx', 'fig', 'vol', 'dept', 'inc', 'ltd']);

const CJK_CHAR = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;
// Alternatives, not one class: a class mixing ZWJ / variation selectors with emoji trips no-misleading-character-class.
const UNSPOKEN = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}]|\u200D|\uFE0E|\uFE0F|\u20E3|[*`#~～]/gu;
const LEADING_PUNCTUATION = /^[\s,，、;；:：.。!！?？…”’」』》〉]+/u;
const SPEAKABLE = /[\p{L}\p{N}]/u;

export const SOFT_CUT_CHARS = 60;
export const HARD_CUT_CHARS = 120;
/** A soft or hard cut never leaves a piece shorter than this. */
const MIN_PIECE_CHARS = 12;
const TAG_HOLD_CHARS = 64;
const ASIDE_HOLD_CHARS = 200;

interface Cut {
  /** End of the sentence text (exclusive). */
  readonly end: number;
  /** Where the next sentence starts (after a newline, one past `end`). */
  readonly next: number;
}

export class SentenceSplitter {
  /** Raw text not yet cleaned: starts at an open tag or aside (or a split surrogate pair). */
  private raw = '';
  /** Clean text not yet emitted. */
  private buf = '';

  /** Adds an LLM text delta; returns the sentences it completed (often none). */
  push(delta: string): string[] {
    this.raw += delta;
    const { text, rest } = clean(this.raw, false);
    this.raw = rest;
    this.buf += text;
    return this.drain(false);
  }

  /** End of the turn: everything left, as the last sentences. Then ready for the next turn. */
  flush(): string[] {
    this.buf += clean(this.raw, true).text;
    this.raw = '';
    const out = this.drain(true);
    const last = speakable(this.buf);
    this.buf = '';
    return last === undefined ? out : [...out, last];
  }

  /** Drops whatever is pending (barge-in: the rest of this reply will not be spoken). */
  reset(): void {
    this.raw = '';
    this.buf = '';
  }

  private drain(final: boolean): string[] {
    const out: string[] = [];
    for (let cut = findCut(this.buf, final); cut; cut = findCut(this.buf, final)) {
      const sentence = speakable(this.buf.slice(0, cut.end));
      if (sentence !== undefined) out.push(sentence);
      this.buf = this.buf.slice(cut.next);
    }
    return out;
  }
}

/** Collapsed whitespace, no leading punctuation; undefined when nothing is left to say. */
function speakable(text: string): string | undefined {
  const s = text
    .replace(/\s+/gu, ' ')
    .replace(/ ([,.!?;，。！？；、…])/gu, '$1') // "there !" once an emoji between went
    .replace(LEADING_PUNCTUATION, '')
    .trim();
  return SPEAKABLE.test(s) ? s : undefined;
}

/** Removes tags, asides and emoji from `raw`; `rest` is the tail that must wait for more text. */
function clean(raw: string, final: boolean): { text: string; rest: string } {
  let out = '';
  let i = 0;
  const hold = (): { text: string; rest: string } => ({ text: out.replace(UNSPOKEN, ''), rest: raw.slice(i) });
  while (i < raw.length) {
    const ch = raw[i];
    const closer = ASIDES[ch];
    if (ch === '<') {
      const next = raw[i + 1];
      if (next === undefined && !final) return hold();
      if (next !== undefined && /[A-Za-z/!]/u.test(next)) {
        const end = raw.indexOf('>', i + 1);
        const reopen = raw.indexOf('<', i + 1);
        if (end >= 0 && (reopen < 0 || end < reopen)) {
          i = end + 1;
          continue;
        }
        if (end < 0 && reopen < 0 && !final && raw.length - i <= TAG_HOLD_CHARS) return hold();
      }
      out += ch;
      i++;
    } else if (closer !== undefined) {
      const end = matchingCloser(raw, i, ch, closer);
      if (end >= 0) i = end + 1;
      else if (raw.length - i <= ASIDE_HOLD_CHARS) {
        if (!final) return hold();
        i = raw.length; // an aside cut off by the end of the turn
      } else i++; // no closer in sight: the opener was not an aside, drop it alone
    } else if (!final && i === raw.length - 1 && /[\ud800-\udbff]/u.test(ch)) {
      return hold(); // half of a surrogate pair: the rest comes with the next delta
    } else {
      out += ch;
      i++;
    }
  }
  return hold();
}

function matchingCloser(raw: string, start: number, opener: string, closer: string): number {
  let depth = 0;
  for (let j = start; j < raw.length; j++) {
    if (raw[j] === opener) depth++;
    else if (raw[j] === closer && --depth === 0) return j;
  }
  return -1;
}

/** The first cut in `buf`, or undefined if none is decided yet (or, when `final`, none at all). */
function findCut(buf: string, final: boolean): Cut | undefined {
  let lastSoft = -1;
  let lastSpace = -1;
  for (let i = 0; i < buf.length; i++) {
    const ch = buf[i];
    if (ch === '\n' || ch === '\r') {
      if (SPEAKABLE.test(buf.slice(0, i))) return { end: i, next: i + 1 };
      return { end: 0, next: i + 1 };
    }
    if (CJK_ENDERS.has(ch) || ASCII_ENDERS.has(ch)) {
      let j = i;
      while (j < buf.length && (CJK_ENDERS.has(buf[j]) || ASCII_ENDERS.has(buf[j]))) j++;
      const single = j - i === 1;
      while (j < buf.length && CLOSERS.has(buf[j])) j++;
      if (j === buf.length) return final ? { end: j, next: j } : undefined;
      const next = buf[j];
      if (CJK_ENDERS.has(ch)) return { end: j, next: j };
      const abbreviation = ch === '.' && single && isAbbreviation(buf, i);
      const afterCjk = CJK_CHAR.test(buf[i - 1] ?? '') && !/\d/u.test(next); // 你呢?Sure
      if (!abbreviation && (/\s/u.test(next) || CJK_CHAR.test(next) || afterCjk)) return { end: j, next: j };
      i = j - 1;
      continue;
    }
    if (SOFT_BREAKS.has(ch)) {
      if (ch === ',' && i + 1 === buf.length && !final) return undefined;
      if (ch !== ',' || !/\d/u.test(buf[i + 1] ?? '')) lastSoft = i;
    } else if (/\s/u.test(ch)) lastSpace = i;
    const length = i + 1;
    if (length >= SOFT_CUT_CHARS && lastSoft + 1 >= MIN_PIECE_CHARS) return { end: lastSoft + 1, next: lastSoft + 1 };
    if (length >= HARD_CUT_CHARS) {
      const end = lastSpace + 1 >= MIN_PIECE_CHARS ? lastSpace : length;
      return { end, next: end };
    }
  }
  return undefined;
}

/** `.` at `dot` ends Mr, Dr, e.g, U.S or an initial (J.), not a sentence. */
function isAbbreviation(buf: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && /[A-Za-z.]/u.test(buf[start - 1])) start--;
  const word = buf.slice(start, dot);
  if (word === '') return false;
  if (word.includes('.')) return /[A-Za-z]/u.test(word);
  return /^[A-Z]$/u.test(word) || ABBREVIATIONS.has(word.toLowerCase());
}

/** `text` trimmed and bounded (boundInput), or undefined when nothing in it can be spoken (no letter or digit). */
export function speakableInput(text: string, max: number): string | undefined {
  const input = boundInput(text.trim(), max);
  return SPEAKABLE.test(input) ? input : undefined;
}

/** At most `max` characters, cut after the last punctuation or space in the last third when possible. */
export function boundInput(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max).join('');
  const minCut = Math.floor((head.length * 2) / 3);
  for (let i = head.length - 1; i >= minCut; i--) {
    if (/[\s,.!?;:，。！？；：、]/u.test(head[i])) return head.slice(0, i + 1).trim();
  }
  return head;
}
