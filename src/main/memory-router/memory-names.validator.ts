import { characterNameProblem, MAX_CHARACTER_NAME } from '../../shared/config/character-name';
import { isPlainObject } from '../../shared/data/json-edit';

/** Text of the 400 answers (N.E.K.O.'s memory_router.py). */
export const MEMORY_TEXT = {
  separators: '文件名不能包含路径分隔符或目录遍历字符',
  notRecent: '文件名不合法',
  notFound: '文件不存在',
  emptyFilename: '文件名不能为空',
  filenameNotString: '文件名必须是字符串',
  filenameFormat: '文件名格式不合法，必须以 recent_ 开头并以 .json 结尾',
  missingParams: '缺少必要参数',
} as const;

/** Longest message text the memory server stores from the browser. */
const MAX_TEXT = 20_000;
/** Most messages in one saved recent file. */
const MAX_MESSAGES = 1000;

const hasSeparators = (s: string) => s.includes('/') || s.includes('\\') || s.includes('..');

/** `recent_<name>.json` → `<name>`; undefined for any other file name. */
export function nameFromRecentFilename(filename: string): string | undefined {
  return /^recent_(.+)\.json$/s.exec(filename)?.[1];
}

/** GET recent_file: separators first, then the `recent*.json` glob (spec §3.6). */
export function readFilenameProblem(filename: string): string | undefined {
  if (hasSeparators(filename)) return MEMORY_TEXT.separators;
  if (!(filename.startsWith('recent') && filename.endsWith('.json'))) return MEMORY_TEXT.notRecent;
  return undefined;
}

/**
 * POST recent_file/save. [QUIRK] fixed: the snapshot's `^recent[0-9A-Za-z._-]+\.json$` refused
 * every Chinese character name; as upstream N.E.K.O. now does, any `recent_<name>.json` is
 * accepted and the traversal checks (with their messages) stay.
 */
export function saveFilenameProblem(filename: unknown): string | undefined {
  if (filename === undefined || filename === null || filename === '') return MEMORY_TEXT.emptyFilename;
  if (typeof filename !== 'string') return MEMORY_TEXT.filenameNotString;
  if (hasSeparators(filename)) return MEMORY_TEXT.separators;
  const name = nameFromRecentFilename(filename);
  if (name === undefined) return MEMORY_TEXT.filenameFormat;
  // Not a name any character can have: the memory server would trim " 小天" to 小天 (and overwrite that file).
  if (characterNameProblem(name)) return MEMORY_TEXT.notRecent;
  return undefined;
}

export type SavedRole = 'system' | 'human' | 'ai';
const ROLES: Readonly<Record<string, SavedRole>> = { system: 'system', human: 'human', ai: 'ai', user: 'human', assistant: 'ai' };

/**
 * The chat of recent_file/save: a list of objects with a string `role` and an optional string
 * `text` (upstream's messages). Roles other than system/human/ai would make a file the memory
 * server cannot read, so they are refused (user/assistant are taken as human/ai).
 */
export function parseChat(chat: unknown): { chat: Array<{ role: SavedRole; text: string }> } | { problem: string } {
  if (!Array.isArray(chat)) return { problem: 'chat 必须是一个列表' };
  if (chat.length > MAX_MESSAGES) return { problem: `chat 最多 ${MAX_MESSAGES} 条` };
  const out: Array<{ role: SavedRole; text: string }> = [];
  for (const [idx, item] of chat.entries()) {
    if (!isPlainObject(item)) return { problem: `chat[${idx}] 必须是一个字典` };
    if (!('role' in item)) return { problem: `chat[${idx}] 缺少必需的 'role' 字段` };
    if (typeof item.role !== 'string') return { problem: `chat[${idx}]['role'] 必须是字符串` };
    if ('text' in item && typeof item.text !== 'string') return { problem: `chat[${idx}]['text'] 必须是字符串` };
    const role = ROLES[item.role];
    if (!role) return { problem: `chat[${idx}]['role'] 必须是 system、human 或 ai` };
    const text = typeof item.text === 'string' ? item.text : '';
    if (text.length > MAX_TEXT) return { problem: `chat[${idx}]['text'] 不能超过 ${MAX_TEXT} 个字符` };
    out.push({ role, text });
  }
  return { chat: out };
}

/**
 * update_catgirl_name's check of one name; the message goes after "旧名称无效: " / "新名称无效: ".
 * Spec §3.6's own pattern ({1,100}, \w, CJK, kana, hangul) is replaced by the one rule of both
 * servers (src/shared/config/character-name.ts): every name the characters router can create is
 * accepted here, and every name accepted here is one the memory server accepts.
 */
export function catgirlNameProblem(name: string): string | undefined {
  if (name.trim() === '') return '名称不能为空';
  if (hasSeparators(name)) return '名称不能包含路径分隔符或目录遍历字符';
  const problem = characterNameProblem(name);
  if (problem === 'length') return `名称长度不能超过${MAX_CHARACTER_NAME}个字符`;
  if (problem === 'characters') return "名称只能包含文字、数字、空格和 _ - ( ) · ' . ! ~ 等字符，且不能有首尾空格";
  return undefined;
}
