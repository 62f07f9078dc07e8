import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { PathGuard } from '../files/path-guard';

/** Bounds of every folder walk of the model features (spec brief: depth ≤ 6, ≤ 10,000 entries). */
export const WALK_LIMITS = { maxDepth: 6, maxEntries: 10_000 } as const;

export interface WalkLimits {
  readonly maxDepth: number;
  readonly maxEntries: number;
}

/** One directory as the walk sees it: sub-folder and file names, sorted. */
export interface WalkedDir {
  readonly dir: string;
  /** Path relative to the walk's root with `/` separators ('' for the root itself). */
  readonly rel: string;
  readonly depth: number;
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

const SKIPPED_DIRS = new Set(['node_modules', '__pycache__']);

/**
 * Reads one directory: regular files and folders, sorted by name. Dot entries and node_modules are
 * skipped; a symlink is followed only when its real target stays inside `root` (so nothing a
 * static mount would refuse is ever listed).
 */
async function readDir(dir: string, guard: PathGuard, budget: { left: number }): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return { files, dirs };
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (budget.left <= 0) break;
    budget.left -= 1;
    if (entry.name.startsWith('.')) continue;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const real = await guard.resolve(join(dir, entry.name));
      if (real === undefined) continue;
      const stats = await fs.stat(real).catch(() => undefined);
      isDir = stats?.isDirectory() ?? false;
      isFile = stats?.isFile() ?? false;
    }
    if (isDir && !SKIPPED_DIRS.has(entry.name)) dirs.push(entry.name);
    else if (isFile) files.push(entry.name);
  }
  return { files, dirs };
}

/**
 * Top-down walk of `root` (like os.walk): `visit` sees each folder before its children and returns
 * false to skip descending into it. Bounded in depth and in directory entries read; symlinks that
 * leave `root` are ignored and a folder reached twice (symlink loop) is visited once.
 */
export async function walkTree(root: string, visit: (d: WalkedDir) => boolean | Promise<boolean>, limits: WalkLimits = WALK_LIMITS): Promise<void> {
  const realRoot = await fs.realpath(root).catch(() => undefined);
  if (realRoot === undefined) return;
  const guard = new PathGuard([realRoot]);
  const budget = { left: limits.maxEntries };
  const seen = new Set<string>();
  const stack: Array<{ dir: string; rel: string; depth: number }> = [{ dir: realRoot, rel: '', depth: 0 }];
  while (stack.length > 0 && budget.left > 0) {
    const { dir, rel, depth } = stack.pop()!;
    const real = await fs.realpath(dir).catch(() => undefined);
    if (real === undefined || seen.has(real)) continue;
    seen.add(real);
    const { files, dirs } = await readDir(dir, guard, budget);
    const descend = await visit({ dir, rel, depth, files, dirs });
    if (!descend || depth >= limits.maxDepth) continue;
    for (let i = dirs.length - 1; i >= 0; i -= 1) {
      stack.push({ dir: join(dir, dirs[i]), rel: rel === '' ? dirs[i] : `${rel}/${dirs[i]}`, depth: depth + 1 });
    }
  }
}

/** Every file below `root` whose name ends with one of `suffixes`, relative with `/`, in walk order. */
export async function listFilesRecursive(root: string, suffixes: readonly string[], limits: WalkLimits = WALK_LIMITS): Promise<string[]> {
  const out: string[] = [];
  await walkTree(
    root,
    (d) => {
      for (const f of d.files) if (suffixes.some((s) => f.endsWith(s))) out.push(d.rel === '' ? f : `${d.rel}/${f}`);
      return true;
    },
    limits,
  );
  return out;
}

/** The first `*<suffix>` file directly in `dir` (sorted by name; symlinks leaving `dir` ignored). */
export async function firstFileWithSuffix(dir: string, suffix: string): Promise<string | undefined> {
  let found: string | undefined;
  await walkTree(
    dir,
    (d) => {
      found = d.files.find((f) => f.endsWith(suffix));
      return false;
    },
    { maxDepth: 0, maxEntries: WALK_LIMITS.maxEntries },
  );
  return found;
}
