import { isPlainObject } from '../../shared/data/json-edit';

/** Fields whose value is replaced when it is exactly the old name (top level and inside `data`). */
const NAME_FIELDS = ['speaker', 'author', 'name', 'character', 'role'] as const;

/** The speaker markers N.E.K.O. rewrites inside message texts (spec §3.6, plus upstream's "<old> | "). */
function markers(name: string): string[] {
  return [`${name}说：`, `${name}说:`, `${name}:`, `${name}->`, `[${name}]`, `${name} | `];
}

function replaceMarkers(text: string, oldName: string, newName: string): string {
  let out = text;
  const next = markers(newName);
  markers(oldName).forEach((marker, i) => {
    out = out.split(marker).join(next[i]);
  });
  return out;
}

function renameFields(target: Record<string, unknown>, oldName: string, newName: string): void {
  for (const field of NAME_FIELDS) if (target[field] === oldName) target[field] = newName;
}

/**
 * N.E.K.O.'s update_catgirl_name rewrite of a recent file (spec §3.6): exact-match name fields and
 * the speaker markers in `data.content`. Text parts (`[{"type": "text", "text": …}]`) get the same
 * treatment as string contents, so a file written by V1 is renamed as completely as one of V0.
 * Returns a rewritten copy; entries that are not objects are kept as they are.
 */
export function rewriteRecentNames(entries: readonly unknown[], oldName: string, newName: string): unknown[] {
  return entries.map((entry) => {
    if (!isPlainObject(entry)) return entry;
    const item: Record<string, unknown> = { ...entry };
    renameFields(item, oldName, newName);
    if (isPlainObject(item.data)) {
      const data: Record<string, unknown> = { ...item.data };
      renameFields(data, oldName, newName);
      if (typeof data.content === 'string') data.content = replaceMarkers(data.content, oldName, newName);
      else if (Array.isArray(data.content)) {
        data.content = data.content.map((part: unknown) =>
          isPlainObject(part) && typeof part.text === 'string' ? { ...part, text: replaceMarkers(part.text, oldName, newName) } : part,
        );
      }
      item.data = data;
    }
    return item;
  });
}

/**
 * settings_{L}.json is `{"<L>": {...}, "<master>": {...}}`: the character's section moves to the
 * new name (so the facts stay attached to the character); other sections are kept in order.
 */
export function renameSettingsSection(settings: Record<string, unknown>, oldName: string, newName: string): Record<string, unknown> {
  if (!(oldName in settings) || newName in settings) return settings;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) out[key === oldName ? newName : key] = value;
  return out;
}

/** JSON text without a UTF-8 BOM (hand-edited files sometimes have one). */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
