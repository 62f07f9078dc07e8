// Request bodies of the character manager's forms (no DOM: the page passes what the form holds).
// The §3.2 update API deletes every key that is not in the body (except 档案名, system_prompt,
// voice_id and the model keys) and ignores empty values, which shapes what is sent.

/** Keys edited by their own inputs. */
export const SPECIAL = ['档案名', 'system_prompt', 'voice_id'];
/** Model settings (owned by the model manager): not shown, sent back unchanged. */
export const MODEL_KEYS = ['live2d', 'live2d_item_id', 'model_type', 'vrm', 'vrm_animation', 'idle_animation', 'mmd'];
export const RESERVED = new Set([...SPECIAL, ...MODEL_KEYS]);
export const isScalar = (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * The free-form fields of the form rows ([key, value] pairs). An emptied value is left out, so
 * that the field is removed (sent as "", the update API would keep the old value). A number or
 * boolean the user did not touch keeps its type (年龄: 15 stays a number).
 */
function fields(old, rows, reserved) {
  const out = {};
  for (const [rawKey, value] of rows) {
    const key = rawKey.trim();
    if (!key || reserved.has(key) || value.trim() === '') continue;
    const prev = old[key];
    out[key] = typeof prev !== 'string' && isScalar(prev) && String(prev) === value ? prev : value;
  }
  return out;
}

/** Stored values the form does not show (objects, arrays): sent back so they are kept. */
const unshown = (old, also = () => false) =>
  Object.fromEntries(Object.entries(old).filter(([k, v]) => also(k) || (!SPECIAL.includes(k) && !isScalar(v))));

/**
 * Body of POST /api/characters/catgirl (old = {}) or PUT /api/characters/catgirl/{name}.
 * The voice is sent only when it changed: the server checks a sent voice_id against the current
 * voice library, so an unchanged voice missing there (cloned with another key) would refuse
 * every save of the character.
 */
export function characterBody(old, rows, { name, voiceId, prompt }) {
  const body = { ...unshown(old, (k) => MODEL_KEYS.includes(k)), ...fields(old, rows, RESERVED), 档案名: name };
  if (voiceId !== (typeof old.voice_id === 'string' ? old.voice_id : '')) body.voice_id = voiceId;
  // An emptied prompt is sent as "" so the server drops it (the default template applies again).
  if (prompt.trim() !== '') body.system_prompt = prompt;
  else if (typeof old.system_prompt === 'string' && old.system_prompt !== '') body.system_prompt = '';
  return body;
}

/** Body of POST /api/characters/master (it replaces 主人 with the non-empty keys sent). */
export function masterBody(old, rows, name) {
  return { ...unshown(old), ...fields(old, rows, new Set(['档案名'])), 档案名: name };
}
