/**
 * Size bounds counted in Unicode code points (spec §8.4 counts characters, not UTF-16 units), so a cut
 * never leaves half of a surrogate pair (an emoji, a rare CJK character) behind.
 */

/** Cut marker appended when text was shortened. */
export const ELLIPSIS = '…';

/** UTF-16 units taken by the code point starting at `i` (2 for a well-formed surrogate pair, else 1). */
function unitsAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) return 1;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

/** Number of code points of `text` (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += unitsAt(text, i)) count++;
  return count;
}

/**
 * `text` cut to at most `max` code points, the cut marked with '…' (which counts towards `max`).
 * Only walks the first `max` code points, so bounding a huge page text stays cheap.
 */
export function boundCodePoints(text: string, max: number): string {
  const limit = Math.max(0, Math.floor(Number.isFinite(max) ? max : 0));
  // A string of at most `limit` UTF-16 units has at most `limit` code points.
  if (text.length <= limit) return text;
  let count = 0;
  let keep = 0;
  for (let i = 0; i < text.length; i += unitsAt(text, i)) {
    if (count === limit) return limit === 0 ? '' : `${text.slice(0, keep)}${ELLIPSIS}`;
    if (count === limit - 1) keep = i;
    count++;
  }
  return text;
}

/** Whitespace runs (newlines included) collapsed to one space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** oneLine, then boundCodePoints: a short single-line excerpt for prompts and logs. */
export function boundLine(text: string, max: number): string {
  return boundCodePoints(oneLine(text), max);
}
