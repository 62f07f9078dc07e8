import { isPlainObject } from '../data/json-edit';
import { DEFAULT_CHARACTER_PROMPT, DEFAULT_MASTER, renderCharacterPrompt } from './default-character.const';

/** Keys of a character object that are settings rather than free profile text (spec §9.2). */
export const RESERVED_CHARACTER_KEYS = ['live2d', 'live2d_item_id', 'voice_id', 'system_prompt'] as const;

/** A character ("猫娘") entry: free-form profile fields plus the reserved keys. Unknown keys are kept. */
export type CharacterProfile = Record<string, unknown> & {
  live2d?: string;
  live2d_item_id?: string;
  voice_id?: string;
  system_prompt?: string;
};

/** characters.json as stored; the Chinese top-level keys are literal. Unknown top-level keys are kept. */
export type CharactersFile = Record<string, unknown> & {
  主人: Record<string, unknown>;
  猫娘: Record<string, CharacterProfile>;
  当前猫娘?: string;
  当前麦克风?: string;
};

/** Derived view used by the servers (N.E.K.O.'s get_character_data()). */
export interface CharacterData {
  readonly masterName: string;
  readonly master: Readonly<Record<string, unknown>>;
  readonly characters: Readonly<Record<string, CharacterProfile>>;
  readonly names: readonly string[];
  /** 当前猫娘 when it names a defined character, otherwise the first character. */
  readonly currentName: string | undefined;
  readonly nameMapping: Readonly<{ human: string; system: 'SYSTEM_MESSAGE' }>;
}

/** Coerces whatever is on disk into the typed shape without dropping unknown keys. */
export function coerceCharactersFile(raw: unknown): CharactersFile {
  const file: Record<string, unknown> = isPlainObject(raw) ? { ...raw } : {};
  const master = isPlainObject(file['主人']) ? file['主人'] : { ...DEFAULT_MASTER };
  const catgirls: Record<string, CharacterProfile> = {};
  if (isPlainObject(file['猫娘'])) {
    for (const [name, profile] of Object.entries(file['猫娘'])) {
      if (isPlainObject(profile)) catgirls[name] = profile;
    }
  }
  const out = { ...file, 主人: master, 猫娘: catgirls } as CharactersFile;
  if (typeof file['当前猫娘'] !== 'string') delete out['当前猫娘'];
  return out;
}

export function deriveCharacterData(file: CharactersFile): CharacterData {
  const rawMaster = file['主人']['档案名'];
  const masterName = typeof rawMaster === 'string' && rawMaster.trim() !== '' ? rawMaster : DEFAULT_MASTER['档案名'];
  const names = Object.keys(file['猫娘']);
  const wanted = file['当前猫娘'];
  const currentName = wanted !== undefined && names.includes(wanted) ? wanted : names[0];
  return {
    masterName,
    master: file['主人'],
    characters: file['猫娘'],
    names,
    currentName,
    nameMapping: { human: masterName, system: 'SYSTEM_MESSAGE' },
  };
}

/** The character's prompt with names filled in: its own system_prompt or the default template. */
export function characterPrompt(data: CharacterData, name: string): string {
  const custom = data.characters[name]?.system_prompt;
  const template = typeof custom === 'string' && custom.trim() !== '' ? custom : DEFAULT_CHARACTER_PROMPT;
  return renderCharacterPrompt(template, name, data.masterName);
}
