import { isPlainObject } from '../../shared/data/json-edit';

/** The emotion manager's view of a model: emotion → motion files / expression files. */
export interface EmotionMapping {
  motions: Record<string, string[]>;
  expressions: Record<string, string[]>;
}

/** Group of persistent expressions; never holds motions (spec §3.3). */
export const PERSISTENT_GROUP = '常驻';

/**
 * A posted relative path with `/` separators and no leading `./`; undefined (dropped) when it is
 * absolute, has a `..` segment, a drive letter or a NUL. [QUIRK] fixed: the original only
 * stripped leading `.`/`/` characters, which mangled `.x/…` and kept `a/../../b`.
 */
export function normaliseModelPath(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let p = raw.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  if (p === '' || p.includes('\0') || p.startsWith('/') || /^[A-Za-z]:/.test(p)) return undefined;
  if (p.split('/').some((seg) => seg === '..')) return undefined;
  return p;
}

/** The files of one posted group (`files or []` in the original; non-strings skipped). */
function groupFiles(files: unknown): string[] {
  if (!Array.isArray(files)) return [];
  const out: string[] = [];
  for (const f of files) {
    const p = normaliseModelPath(f);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** Derives the mapping from FileReferences when the model3.json has no EmotionMapping. */
export function deriveEmotionMapping(model3: Record<string, unknown>): EmotionMapping {
  const mapping: EmotionMapping = { motions: {}, expressions: {} };
  const refs = isPlainObject(model3.FileReferences) ? model3.FileReferences : {};
  const motions = isPlainObject(refs.Motions) ? refs.Motions : {};
  for (const [group, items] of Object.entries(motions)) {
    const files: string[] = [];
    for (const item of Array.isArray(items) ? items : []) {
      const file = isPlainObject(item) ? item.File : undefined;
      if (typeof file === 'string' && file !== '') files.push(file.replace(/\\/g, '/'));
    }
    mapping.motions[group] = files;
  }
  for (const item of Array.isArray(refs.Expressions) ? refs.Expressions : []) {
    if (!isPlainObject(item)) continue;
    const name = typeof item.Name === 'string' ? item.Name : '';
    const file = typeof item.File === 'string' ? item.File : '';
    if (file === '') continue;
    const group = name.includes('_') ? name.slice(0, name.indexOf('_')) : 'neutral';
    (mapping.expressions[group] ??= []).push(file.replace(/\\/g, '/'));
  }
  return mapping;
}

/** The prefix of an expression Name before its first `_`, or undefined when it has none. */
function namePrefix(item: unknown): string | undefined {
  const name = isPlainObject(item) && typeof item.Name === 'string' ? item.Name : '';
  return name.includes('_') ? name.slice(0, name.indexOf('_')) : undefined;
}

/**
 * Applies a posted mapping to a model3.json object (in place): FileReferences.Motions rebuilt
 * (the persistent group skipped), Expressions = kept items of other prefixes + one
 * `<emotion>_<basename>` item per posted file, EmotionMapping = the body verbatim.
 */
export function applyEmotionMapping(model3: Record<string, unknown>, body: Record<string, unknown>): void {
  if (!isPlainObject(model3.FileReferences)) model3.FileReferences = {};
  const refs = model3.FileReferences as Record<string, unknown>;
  const motionsIn = isPlainObject(body.motions) ? body.motions : {};
  const motionsOut: Record<string, Array<{ File: string }>> = {};
  for (const [group, files] of Object.entries(motionsIn)) {
    if (group === PERSISTENT_GROUP) continue;
    motionsOut[group] = groupFiles(files).map((File) => ({ File }));
  }
  refs.Motions = motionsOut;

  const expressionsIn = isPlainObject(body.expressions) ? body.expressions : {};
  const prefixes = new Set(Object.keys(expressionsIn));
  const existing = Array.isArray(refs.Expressions) ? (refs.Expressions as unknown[]) : [];
  const kept = existing.filter((item) => {
    const prefix = namePrefix(item);
    return prefix === undefined || !prefixes.has(prefix);
  });
  const added: Array<{ Name: string; File: string }> = [];
  for (const [emotion, files] of Object.entries(expressionsIn)) {
    for (const File of groupFiles(files)) {
      const base = File.slice(File.lastIndexOf('/') + 1).replace('.exp3.json', '');
      added.push({ Name: `${emotion}_${base}`, File });
    }
  }
  refs.Expressions = [...kept, ...added];
  model3.EmotionMapping = body;
}
