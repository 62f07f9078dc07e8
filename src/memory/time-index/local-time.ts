const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Python's `str(datetime.now())` as sqlite3 stores it: local naive `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function localTimestamp(date = new Date()): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}000`;
}

/** Parses a stored local timestamp (with or without fraction, `T` or space); undefined when unreadable. */
export function parseLocalTimestamp(text: string | null | undefined): Date | undefined {
  if (!text) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?/.exec(text.trim());
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, '0')) / 1000) : 0;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms);
}
