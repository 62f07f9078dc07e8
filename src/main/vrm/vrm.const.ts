/** URL prefixes of the VRM files (upstream vrm_router.py). */
export const VRM_USER_PATH = '/user_vrm';
export const VRM_STATIC_PATH = '/static/vrm';
export const VRM_STATIC_ANIMATION_PATH = '/static/vrm/animation';

/** Largest VRM / VRMA upload (upstream: 200 MB, streamed to disk). */
export const VRM_MAX_FILE_BYTES = 200 * 1024 * 1024;

/** Bounds of a posted VRM emotion mapping. */
export const VRM_MAPPING_LIMITS = { maxEmotions: 256, maxNamesPerEmotion: 256, maxNameLength: 256 } as const;

/** The mapping used when a model has none saved (upstream DEFAULT_MOOD_MAP). */
export const DEFAULT_MOOD_MAP: Readonly<Record<string, readonly string[]>> = {
  neutral: ['neutral'],
  happy: ['happy', 'joy', 'fun', 'smile', 'joy_01'],
  shy: ['shy', 'blush', 'bashful', 'embarrassed'],
  relaxed: ['relaxed', 'joy', 'fun', 'content'],
  sad: ['sad', 'sorrow', 'grief'],
  angry: ['angry', 'anger'],
  surprised: ['surprised', 'surprise', 'shock', 'e', 'o'],
};

/** Common VRM expression names (the real list is read by the browser from the model). */
export const COMMON_VRM_EXPRESSIONS: readonly string[] = [
  'neutral', 'happy', 'joy', 'fun', 'smile', 'joy_01',
  'shy', 'blush', 'bashful', 'embarrassed',
  'relaxed', 'content',
  'sad', 'sorrow', 'grief',
  'angry', 'anger',
  'surprised', 'surprise', 'shock',
  'blink', 'blink_l', 'blink_r',
  'aa', 'ih', 'ou', 'ee', 'oh',
  'lookUp', 'lookDown', 'lookLeft', 'lookRight',
];

export const VRM_EXPRESSIONS_NOTE = '这是常见表情列表，实际表情以模型为准';

/**
 * A VRM model name as upstream accepts it: Python's Unicode `[\w.-]+` — letters of any script
 * (CJK names such as `小天` are allowed), digits, `_`, `.`, `-` — and, beyond upstream, no `..`
 * and no leading dot, so a name can never climb out of or hide in a folder.
 */
export function isValidVrmName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 255 && /^[\p{L}\p{N}\p{M}_.-]+$/u.test(name) && !name.includes('..') && !name.startsWith('.');
}

/** Python's repr() of a str, as upstream puts it in its messages (`'name'`). */
export function pyRepr(value: string): string {
  return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
