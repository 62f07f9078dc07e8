import { Inject, Injectable } from '@nestjs/common';
import { promises as fs, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, parse, resolve } from 'node:path';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { isInside, PathGuard } from '../files/path-guard';
import { MARKER_FILE, PREVIEW_IMAGE_NAMES, SIZE_WALK_LIMITS } from './workshop.const';
import { WorkshopConfigService } from './workshop-config.service';

/** One local item as the workshop manager lists it (spec §3.5). */
export interface LocalItem {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly lastModified: number;
  readonly size: number;
  readonly tags: string[];
  readonly previewImage: string | null;
}

export type ScanResult =
  | { readonly kind: 'denied' | 'missing' | 'not_dir'; readonly path: string; readonly defaultUsed: boolean }
  | { readonly kind: 'ok'; readonly items: LocalItem[]; readonly path: string; readonly defaultUsed: boolean };

export type LocalItemResult = { readonly kind: 'no_folder' | 'denied' | 'bad_id' | 'missing' } | { readonly kind: 'ok'; readonly item: LocalItem };

export type UploadStatusResult = { readonly kind: 'no_path' | 'denied' | 'not_dir' } | { readonly kind: 'ok'; readonly publishedFileId: string | null };

/**
 * The local (Steam-free) side of the workshop: item folders, sizes, previews, upload markers.
 * [QUIRK] fixed: the original accepted any folder on the disk for scan and publish; every path from
 * a request is confined here to the workshop folders and the data folder (symlinks resolved).
 */
@Injectable()
export class WorkshopItemsService {
  constructor(
    private readonly config: WorkshopConfigService,
    @Inject(DATA_FOLDER) private readonly folder: DataFolder,
  ) {}

  async guard(): Promise<PathGuard> {
    return AllowedRootsService.within(this.folder.root, ...(await this.config.allFolders()));
  }

  /** A request's folder path (absolute, or relative to the workshop folder) → real path inside the roots. */
  async resolve(raw: string): Promise<string | undefined> {
    return (await this.guard()).resolve(raw, await this.config.workshopPath());
  }

  /**
   * Whether a folder may be saved as default_workshop_folder / user_mod_folder. The workshop folders
   * become roots the file helpers may read, so (our addition; the original took anything):
   * no `..` or NUL, not a file-system root, not the home or data folder's parent chain, and a folder
   * outside the home and data folders must exist already (we create folders only below those two).
   */
  async acceptableFolderSetting(raw: string): Promise<boolean> {
    if (PathGuard.isSuspicious(raw)) return false;
    const folder = this.config.absolute(raw);
    const home = resolve(homedir());
    if (parse(folder).root === folder || [home, this.folder.root].some((p) => isInside(folder, p))) return false;
    const stats = await fs.stat(folder).catch(() => undefined);
    if (stats !== undefined) return stats.isDirectory(); // an existing file is no folder
    return [home, this.folder.root].some((p) => isInside(p, folder));
  }

  async scan(folderPath: string | undefined): Promise<ScanResult> {
    const base = await this.config.workshopPath();
    const defaultUsed = !folderPath;
    let target: string | undefined;
    if (!folderPath) {
      // A configured path that is a file (hand-edited config) is answered as "not a folder" below.
      await fs.mkdir(base, { recursive: true }).catch(() => undefined);
      target = await this.resolve(base);
    } else {
      target = await this.resolve(folderPath);
    }
    if (target === undefined) return { kind: 'denied', path: folderPath ?? base, defaultUsed };
    const stats = await fs.stat(target).catch(() => undefined);
    if (!stats) return { kind: 'missing', path: target, defaultUsed };
    if (!stats.isDirectory()) return { kind: 'not_dir', path: target, defaultUsed };
    const dirs = await this.subdirectories(target);
    const items: LocalItem[] = [];
    for (const [i, dir] of dirs.entries()) items.push(await this.describe(dir, `local_${i + 1}`, '本地文件'));
    return { kind: 'ok', items, path: target, defaultUsed };
  }

  /**
   * [QUIRK] fixed: the original numbered the entries here differently from the scan (files counted
   * too) and listed a path that is not a directory (an error). The UI sends the item's own folder,
   * which is described directly; anything else is 404 物品不存在.
   */
  async localItem(itemId: string, folderPath: string | undefined): Promise<LocalItemResult> {
    if (!folderPath) return { kind: 'no_folder' };
    const target = await this.resolve(folderPath);
    if (target === undefined) return { kind: 'denied' };
    if (!/^local_\d{1,9}$/.test(itemId)) return { kind: 'bad_id' };
    const stats = await fs.stat(target).catch(() => undefined);
    if (!stats?.isDirectory()) return { kind: 'missing' };
    return { kind: 'ok', item: await this.describe(target, itemId, '模组') };
  }

  async uploadStatus(itemPath: string | undefined): Promise<UploadStatusResult> {
    if (!itemPath) return { kind: 'no_path' };
    const target = await this.resolve(itemPath);
    if (target === undefined) return { kind: 'denied' };
    const stats = await fs.stat(target).catch(() => undefined);
    if (!stats?.isDirectory()) return { kind: 'not_dir' };
    return { kind: 'ok', publishedFileId: (await this.marker(target)) ?? null };
  }

  /** The id of the first `steam_workshop_id_<digits>.txt` in the folder (by name), if any. */
  async marker(dir: string): Promise<string | undefined> {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const m = MARKER_FILE.exec(name);
      if (m) return m[1];
    }
    return undefined;
  }

  /** First of the 8 preview names that is a regular file inside the roots. */
  async findPreview(dir: string): Promise<string | undefined> {
    const guard = await this.guard();
    for (const name of PREVIEW_IMAGE_NAMES) {
      const file = await guard.file(join(dir, name));
      if (file) return file;
    }
    return undefined;
  }

  /** Immediate sub-directories by name (symlinked ones only when they stay inside the roots), without the workshop folder itself. */
  private async subdirectories(dir: string): Promise<string[]> {
    const entries: Dirent[] = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    const workshop = await this.resolve(await this.config.workshopPath());
    const guard = await this.guard();
    const out: string[] = [];
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, e.name);
      if (e.isSymbolicLink()) {
        if ((await guard.directory(path)) === undefined) continue;
      } else if (!e.isDirectory()) continue;
      if (path === workshop) continue;
      out.push(path);
    }
    return out;
  }

  private async describe(path: string, id: string, tag: string): Promise<LocalItem> {
    const stats = await fs.stat(path);
    return {
      id,
      name: basename(path),
      path,
      lastModified: stats.mtimeMs / 1000,
      size: await folderSize(path),
      tags: [tag],
      previewImage: (await this.findPreview(path)) ?? null,
    };
  }
}

/** Total bytes of the regular files below `root`; symlinks are not followed; bounded walk. */
export async function folderSize(root: string, limits: { readonly maxEntries: number; readonly maxDepth: number } = SIZE_WALK_LIMITS): Promise<number> {
  let total = 0;
  let seen = 0;
  const stack: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  while (stack.length > 0) {
    const { dir, depth } = stack.pop()!;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
    for (const e of entries) {
      if (++seen > limits.maxEntries) return total;
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < limits.maxDepth) stack.push({ dir: path, depth: depth + 1 });
      } else if (e.isFile()) {
        total += await fs.lstat(path).then(
          (s) => s.size,
          () => 0,
        );
      }
    }
  }
  return total;
}
