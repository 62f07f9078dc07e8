/** Raised when a model name or workshop id taken from a URL could address something outside its folder. */
export class InvalidModelNameError extends Error {
  constructor(readonly modelName: string) {
    super('无效的模型名称');
    this.name = 'InvalidModelNameError';
  }
}

const MAX_NAME_LENGTH = 255;

/**
 * A model name (or workshop item id) is one plain folder name: not empty, at most 255 characters,
 * no path separator (`/`, `\`), no `..`, no NUL or other control character, no leading dot
 * (dot folders are never models) and no drive prefix such as `C:`.
 */
export function isValidModelName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return false;
  if (name.trim() === '') return false;
  if (/[/\\]/.test(name) || name.includes('..') || name.startsWith('.')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return false;
  if (/^[A-Za-z]:/.test(name)) return false;
  return true;
}

/** Throws InvalidModelNameError unless `name` is a valid model folder name. */
export function assertModelName(name: unknown): string {
  if (!isValidModelName(name)) throw new InvalidModelNameError(String(name));
  return name;
}

/**
 * An uploaded file's relative path (the browser's webkitRelativePath or a zip entry name):
 * backslashes → `/`, leading `/` stripped, empty and `.` segments dropped. Undefined (refused as
 * 非法文件路径) when a segment is `..`, contains NUL/control characters, or the path has a drive
 * letter — nothing can land outside the staging folder.
 */
export function normaliseUploadPath(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 4096) return undefined;
  const p = raw.replace(/\\/g, '/').replace(/^\/+/, '');
  if (/^[A-Za-z]:/.test(p)) return undefined;
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return undefined;
  for (const seg of segments) {
    if (seg === '..' || seg.length > 255) return undefined;
    // eslint-disable-next-line no-control-regex -- control characters are refused
    if (/[\u0000-\u001f\u007f]/.test(seg)) return undefined;
  }
  return segments.join('/');
}

/** Archive side files that are never part of a model (macOS resource forks, Finder/Explorer metadata). */
export function isArchiveJunk(path: string): boolean {
  const segments = path.split('/');
  const last = segments[segments.length - 1];
  return segments[0] === '__MACOSX' || last === '.DS_Store' || last === 'Thumbs.db' || last.startsWith('._');
}
