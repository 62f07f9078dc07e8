import { promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** True when `child` is `parent` or lies below it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** realpath of the path, or of its nearest existing ancestor joined with the missing rest. */
async function realpathOrAncestor(path: string): Promise<string> {
  let current = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await fs.realpath(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length).replace(/^[\\/]+/, ''));
      current = parent;
    }
  }
}

/**
 * Confines file access to a set of root folders. A candidate is refused when it contains a NUL
 * byte or a `..` segment (before or after decoding), when it is absolute outside every root, or
 * when a symlink anywhere on its way leads outside every root (checked on the real path).
 */
export class PathGuard {
  constructor(private readonly roots: readonly string[]) {}

  /** Has `..` segments, backslash tricks or NUL: refused before any file system call. */
  static isSuspicious(raw: string): boolean {
    if (raw.includes('\0')) return true;
    return raw.split(/[\\/]+/).some((seg) => seg === '..');
  }

  /**
   * The absolute, symlink-resolved path when `candidate` (absolute, or relative to `base`) is inside
   * one of the roots; otherwise undefined. The target itself need not exist.
   */
  async resolve(candidate: string, base?: string): Promise<string | undefined> {
    if (candidate === '' || PathGuard.isSuspicious(candidate)) return undefined;
    const normalised = candidate.replace(/\\/g, '/');
    const lexical = isAbsolute(normalised) ? resolve(normalised) : base !== undefined ? resolve(base, normalised) : undefined;
    if (lexical === undefined) return undefined;
    const lexicalRoot = this.roots.find((r) => isInside(resolve(r), lexical));
    if (lexicalRoot === undefined) return undefined;
    const real = await realpathOrAncestor(lexical);
    for (const root of this.roots) {
      const realRoot = await realpathOrAncestor(resolve(root));
      if (isInside(realRoot, real)) return real;
    }
    return undefined;
  }

  /** Like resolve, and the result must be an existing regular file. */
  async file(candidate: string, base?: string): Promise<string | undefined> {
    const path = await this.resolve(candidate, base);
    if (path === undefined) return undefined;
    const stats = await fs.stat(path).catch(() => undefined);
    return stats?.isFile() ? path : undefined;
  }

  /** Like resolve, and the result must be an existing directory. */
  async directory(candidate: string, base?: string): Promise<string | undefined> {
    const path = await this.resolve(candidate, base);
    if (path === undefined) return undefined;
    const stats = await fs.stat(path).catch(() => undefined);
    return stats?.isDirectory() ? path : undefined;
  }
}
