import { characterNameProblem, MAX_CHARACTER_NAME } from '../../shared/config/character-name';

/** Text of the 400 answer for a name that cannot be a character (and memory file) name. */
export const INVALID_CHARACTER_NAME = `档案名无效：最多${MAX_CHARACTER_NAME}个字符，只能包含文字、数字、空格、_ - ( ) · ' . ! ~ 等，不能有首尾空格或 ".." (invalid name: up to ${MAX_CHARACTER_NAME} letters, digits, spaces and _ - ( ) · ' . ! ~)`;

/**
 * A character name (猫娘 key) becomes part of file names in memory/ (recent_<name>.json,
 * time_indexed_<name> …): the shared rule of both servers (src/shared/config/character-name.ts).
 */
export function isValidCharacterName(name: unknown): name is string {
  return typeof name === 'string' && characterNameProblem(name) === undefined;
}

/** Python truthiness of a JSON value ("only non-empty fields are stored"). */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * `map[key]` only when it is the map's own entry: a request for "constructor" or "__proto__"
 * must not reach Object.prototype (and must not write to it).
 */
export function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
