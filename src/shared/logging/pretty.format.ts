const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'process', 'context', 'msg']);

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Formats one pino JSON line as `HH:MM:SS.mmm LEVEL [process] Context: message {extra}`. */
export function formatPrettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const t = new Date(typeof entry.time === 'number' ? entry.time : Date.now());
  const time = `${pad2(t.getHours())}:${pad2(t.getMinutes())}:${pad2(t.getSeconds())}.${String(t.getMilliseconds()).padStart(3, '0')}`;
  const level = (LEVEL_NAMES[entry.level as number] ?? String(entry.level)).padEnd(5);
  const context = typeof entry.context === 'string' ? `${entry.context}: ` : '';
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!OMIT.has(k)) extra[k] = v;
  const err = extra.err as { stack?: string } | undefined;
  delete extra.err;
  const tail = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
  const stack = err?.stack ? `\n${err.stack}` : '';
  return `${time} ${level} [${typeof entry.process === 'string' ? entry.process : '?'}] ${context}${typeof entry.msg === 'string' ? entry.msg : ''}${tail}${stack}\n`;
}
