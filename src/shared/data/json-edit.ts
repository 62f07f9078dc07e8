import { applyEdits, modify, parse, type FormattingOptions, type JSONPath, type ParseError } from 'jsonc-parser';

/** Same layout as N.E.K.O.'s Python writer: indent 2, non-ASCII kept as is. */
export const JSON_FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Strict JSON parse (no comments, no trailing commas). Throws SyntaxError with the offset on failure. */
export function parseStrictJson(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(stripBom(text), errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || (value === undefined && text.trim() !== 'null')) {
    throw new SyntaxError(`invalid JSON at offset ${errors[0]?.offset ?? 0}`);
  }
  // jsonc-parser builds objects with a normal prototype; JSON.parse is used for the value we hand out
  // so that numbers and "__proto__" keys behave exactly as in JSON.parse.
  return JSON.parse(stripBom(text)) as unknown;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function collectChanges(before: unknown, after: unknown, path: JSONPath, out: Array<[JSONPath, unknown]>): void {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) out.push([[...path, key], undefined]);
    for (const key of Object.keys(after)) {
      if (Object.hasOwn(before, key)) collectChanges(before[key], after[key], [...path, key], out);
      else out.push([[...path, key], after[key]]);
    }
    return;
  }
  out.push([path, after]);
}

/**
 * Rewrites `raw` so that it parses to `next`, touching only the values that changed.
 * Everything else — unknown keys, key order, number spellings such as `1.0`, spacing — stays
 * byte for byte as it was. `raw` must be valid JSON.
 */
export function rewriteJson(raw: string, next: unknown): string {
  const text = stripBom(raw);
  const before = parseStrictJson(text);
  const changes: Array<[JSONPath, unknown]> = [];
  collectChanges(before, next, [], changes);
  if (changes.length === 0) return text;
  if (changes.length === 1 && changes[0][0].length === 0) return serializeJson(next);
  let out = text;
  for (const [path, value] of changes) {
    out = applyEdits(out, modify(out, path, value, { formattingOptions: JSON_FORMAT }));
  }
  return out;
}

/** Fresh serialisation for files we create: indent 2, trailing newline-free like Python's json.dump. */
export function serializeJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
