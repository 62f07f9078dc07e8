/** Longest character name, in code points (N.E.K.O. V1's memory server rule). */
export const MAX_CHARACTER_NAME = 50;

/**
 * Letters, digits and marks of every script (Python's Unicode \w), `_ - space`, brackets and the
 * punctuation real names use (·・'.!！？~～、). Nothing that is special in a file name on any
 * system: a name becomes part of the memory files (recent_<name>.json, time_indexed_<name> …).
 */
const NAME_PATTERN = /^[\p{L}\p{N}\p{M}_\- ()（）·・'.!！？~～、]+$/u;

export type CharacterNameProblem = 'length' | 'characters';

/**
 * Why a (trimmed) character name cannot be used, or undefined when it can. The one rule for
 * characters.json (main) and the memory files (memory server), so a character that can be
 * created can always remember.
 */
export function characterNameProblem(name: string): CharacterNameProblem | undefined {
  const length = [...name].length;
  if (length < 1 || length > MAX_CHARACTER_NAME) return 'length';
  if (!NAME_PATTERN.test(name) || name.includes('..') || name.trim() !== name || name === '__proto__') return 'characters';
  return undefined;
}
