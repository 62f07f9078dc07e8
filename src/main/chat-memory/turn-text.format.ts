/**
 * Pure text rules of the turn log (spec main-server.md §8.2): the timestamp prefix of an
 * assistant turn and the normalisation of a finished reply.
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `[YYYYMMDD Www HH:MM] ` in local time (Python's `%Y%m%d %a %H:%M` in the C locale). */
export function timestampPrefix(at: Date): string {
  const day = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}`;
  return `[${day} ${WEEKDAYS[at.getDay()]} ${pad(at.getHours())}:${pad(at.getMinutes())}] `;
}

/** A prefix as timestampPrefix writes it, at the start of a text. */
export const TIMESTAMP_PREFIX = /^\[\d{8} [A-Z][a-z]{2} \d\d:\d\d\] /;

/** Pictographs with their joiners, variation selectors, skin tones, keycaps and flag letters. */
const EMOJI = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}]|\u200D|\uFE0E|\uFE0F|\u20E3/gu;
/** `<…>` markup the model sometimes writes (emotion tags, stray HTML). */
const TAG = /<[^<>\n]*>/g;
const ONLY_PUNCTUATION = /^[\p{P}\p{S}\s]*$/u;

/**
 * A finished reply as it is kept: emoji and `<…>` tags removed, runs of spaces collapsed and the
 * ends trimmed; undefined when nothing but punctuation (or nothing) is left. A leading timestamp
 * prefix is kept as it is and not counted as content.
 */
export function normaliseReply(text: string): string | undefined {
  const prefix = TIMESTAMP_PREFIX.exec(text)?.[0] ?? '';
  const body = text
    .slice(prefix.length)
    .replace(TAG, '')
    .replace(EMOJI, '')
    .replace(/[ \t\u3000]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
  if (ONLY_PUNCTUATION.test(body)) return undefined;
  return prefix + body;
}
