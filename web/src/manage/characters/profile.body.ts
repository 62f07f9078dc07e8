/**
 * characters.json as the page sees it, and the request bodies of its forms (no DOM here). The
 * update API (spec §3.2) deletes every key the body leaves out (except 档案名, system_prompt,
 * voice_id and the model keys) and ignores empty values (an empty system_prompt or voice_id
 * clears it), which shapes what is sent.
 */

import { DEFAULT_AVATAR } from '../../avatar/avatar.factory';

export type Profile = Record<string, unknown>;

export interface CharactersFile {
  readonly 主人?: Profile;
  readonly 猫娘?: Record<string, Profile>;
  readonly 当前猫娘?: string;
}

/** A voice of the library (GET /api/characters/voices). */
export interface VoiceEntry {
  readonly prefix?: string;
  readonly voice_id?: string;
}

/** Keys edited by their own inputs. */
const SPECIAL = ['档案名', 'system_prompt', 'voice_id'];
/**
 * Model settings (owned by the models page): not shown and never sent; the update API keeps them,
 * so a page opened before another tab changed the model cannot put the old one back.
 */
const MODEL_KEYS = ['live2d', 'live2d_item_id', 'model_type', 'vrm', 'vrm_animation', 'idle_animation', 'lighting', 'mmd'];
const RESERVED = new Set([...SPECIAL, ...MODEL_KEYS]);
const MASTER_RESERVED = new Set(['档案名']);

const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The free-form fields the form shows as key/value rows (values as text). */
export function freeFields(profile: Profile, master = false): [string, string][] {
  const reserved = master ? MASTER_RESERVED : RESERVED;
  return Object.entries(profile)
    .filter(([k, v]) => !reserved.has(k) && isScalar(v))
    .map(([k, v]) => [k, String(v)]);
}

/**
 * The rows as profile fields. An emptied value is left out, so the field is removed (sent as "",
 * the update API would keep the old value). A number or boolean the user did not touch keeps its
 * type (年龄: 15 stays a number).
 */
function fields(old: Profile, rows: readonly [string, string][], reserved: ReadonlySet<string>): Profile {
  const out: Profile = {};
  for (const [rawKey, value] of rows) {
    const key = rawKey.trim();
    if (!key || reserved.has(key) || value.trim() === '') continue;
    const prev = old[key];
    out[key] = typeof prev !== 'string' && isScalar(prev) && String(prev) === value ? prev : value;
  }
  return out;
}

/** Stored values the form does not show (objects, arrays): sent back, else the update API deletes them. */
function unshown(old: Profile, reserved: ReadonlySet<string>): Profile {
  return Object.fromEntries(Object.entries(old).filter(([k, v]) => !reserved.has(k) && !isScalar(v)));
}

export interface CharacterForm {
  readonly name: string;
  readonly rows: readonly [string, string][];
  readonly prompt: string;
  readonly voiceId: string;
}

/**
 * Body of POST /api/characters/catgirl (old = {}) or PUT /api/characters/catgirl/{name}. The voice
 * is sent only when it changed: the server checks a sent voice_id against the current library, so
 * an unchanged voice missing there (cloned with another key) would refuse every save.
 */
export function characterBody(old: Profile, form: CharacterForm): Profile {
  const body: Profile = { ...unshown(old, RESERVED), ...fields(old, form.rows, RESERVED), 档案名: form.name };
  if (form.voiceId !== (typeof old.voice_id === 'string' ? old.voice_id : '')) body.voice_id = form.voiceId;
  // An emptied prompt is sent as "" so the server drops it (the default prompt applies again).
  if (form.prompt.trim() !== '') body.system_prompt = form.prompt;
  else if (typeof old.system_prompt === 'string' && old.system_prompt !== '') body.system_prompt = '';
  return body;
}

/** Body of POST /api/characters/master (it replaces 主人 with the non-empty keys sent). */
export function masterBody(old: Profile, rows: readonly [string, string][], name: string): Profile {
  return { ...unshown(old, MASTER_RESERVED), ...fields(old, rows, MASTER_RESERVED), 档案名: name };
}

/**
 * Which avatar a character uses, for its card: kind and file or folder name ('' = the default
 * avatar). The same precedence as the companion page's avatarSourceFor: model_type decides.
 */
export function modelOf(profile: Profile): { kind: 'vrm' | 'live2d' | 'default'; name: string } {
  const str = (k: string): string => {
    const v = profile[k];
    return typeof v === 'string' ? v : '';
  };
  // The models page gives the default avatar as model_type "vrm" with its URL.
  if (profile.model_type === 'vrm') {
    const vrm = str('vrm');
    return vrm && vrm !== DEFAULT_AVATAR.url ? { kind: 'vrm', name: vrm.split('/').pop()?.replace(/\.vrm$/i, '') ?? '' } : { kind: 'default', name: '' };
  }
  if (profile.model_type !== 'mmd' && str('live2d')) return { kind: 'live2d', name: str('live2d') };
  return { kind: 'default', name: '' };
}

/** The voice's display name: its prefix in the library, else the raw id ('' = default voice). */
export function voiceLabel(voiceId: unknown, voices: Readonly<Record<string, VoiceEntry>>): string {
  if (typeof voiceId !== 'string' || voiceId === '') return '';
  return voices[voiceId]?.prefix || voiceId;
}
