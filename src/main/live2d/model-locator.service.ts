import { Injectable } from '@nestjs/common';
import { existsSync, promises as fs } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { isInside, PathGuard } from '../files/path-guard';
import { WorkshopConfigService } from '../workshop/workshop-config.service';
import { assertModelName } from './model-name.validator';
import { WALK_LIMITS, walkTree } from './model-tree.walker';

/** One entry of find_models() (spec §3.3). */
export interface ModelEntry {
  name: string;
  /** URL of the model3.json, e.g. `/user_live2d/hiyori/hiyori.model3.json`. */
  path: string;
  source: string;
  item_id?: string;
}

/**
 * A model folder and its URL. `urlPrefix` is the URL of the folder's parent (so that
 * `${urlPrefix}/${basename(dir)}` is the folder's URL: `/user_live2d`, `/static`, `/workshop`,
 * `/workshop/<item id>` …); `url` is the folder's own URL. `dir` need not exist (the original's
 * "static default" answer); callers check.
 */
export interface ModelLocation {
  dir: string;
  urlPrefix: string;
  url: string;
}

interface Mount {
  readonly prefix: string;
  readonly root: string;
}

/** How long one walk of the model folders answers find_models (a user copying a folder in by hand waits this long). */
const LISTING_TTL_MS = 1000;

/** The file name Live2D ships its Cubism Core under. */
const CUBISM_CORE_FILE = 'live2dcubismcore.min.js';

/**
 * find_models / find_model_directory / find_workshop_item_by_id of the original (spec §3.3), over
 * the folders main serves: public/ (/static), <data>/live2d (/user_live2d), the workshop path
 * (/user_mods) and the Steam workshop root (/workshop). Every name is validated (no separators,
 * no `..`; InvalidModelNameError otherwise) and every folder found goes through the PathGuard.
 */
@Injectable()
export class ModelLocatorService {
  private listing: { at: number; scan: Promise<ModelEntry[]> } | undefined;

  constructor(
    private readonly roots: AllowedRootsService,
    private readonly workshop: WorkshopConfigService,
  ) {}

  /**
   * Live2D's Cubism Core for Cubism 3/4 models is not redistributable, so the user puts the file
   * into <data>/live2d/ (served at /user_live2d/); the pages ask before loading it.
   */
  async cubismCore(): Promise<{ available: boolean; path: string; url: string }> {
    const path = join(this.roots.dataFolder.live2dDir, CUBISM_CORE_FILE);
    const available = await fs.stat(path).then((s) => s.isFile(), () => false);
    return { available, path, url: `/user_live2d/${CUBISM_CORE_FILE}` };
  }

  /** The static mounts as main-http.setup builds them, most specific first. */
  async mounts(): Promise<Mount[]> {
    const modFolder = await this.workshop.workshopPath();
    const steamRoot = (await this.workshop.steamWorkshopRoot()) ?? modFolder;
    const list: Mount[] = [
      { prefix: '/user_live2d', root: this.roots.dataFolder.live2dDir },
      { prefix: '/static', root: this.roots.publicDir },
      { prefix: '/workshop', root: steamRoot },
    ];
    if (existsSync(modFolder)) list.push({ prefix: '/user_mods', root: modFolder });
    const real = await Promise.all(list.map(async (m) => ({ prefix: m.prefix, root: await fs.realpath(m.root).catch(() => m.root) })));
    return real.sort((a, b) => b.root.length - a.root.length);
  }

  /** The URL of a file or folder below one of the mounts (raw, not percent-encoded), or undefined. */
  async urlOf(path: string): Promise<string | undefined> {
    const real = await fs.realpath(path).catch(() => undefined);
    const candidates = real === undefined ? [path] : [real, path];
    for (const p of candidates) {
      for (const m of await this.mounts()) {
        if (!isInside(m.root, p)) continue;
        const rel = relative(m.root, p).split(sep).join('/');
        return rel === '' ? m.prefix : `${m.prefix}/${rel}`;
      }
    }
    return undefined;
  }

  /** The file or folder a mount URL (as urlOf builds it) points at, through the PathGuard; undefined otherwise. */
  async pathOfUrl(url: string): Promise<string | undefined> {
    for (const m of await this.mounts()) {
      if (url !== m.prefix && !url.startsWith(`${m.prefix}/`)) continue;
      const rel = url.slice(m.prefix.length + 1);
      const candidate = rel === '' ? m.root : join(m.root, ...rel.split('/'));
      return (await this.guard()).resolve(candidate);
    }
    return undefined;
  }

  private async location(dir: string, fallbackPrefix: string): Promise<ModelLocation> {
    const url = (await this.urlOf(dir)) ?? `${fallbackPrefix}/${basename(dir)}`;
    const urlPrefix = url.slice(0, url.lastIndexOf('/')) || fallbackPrefix;
    return { dir, urlPrefix, url };
  }

  /** find_models(): every folder holding a *.model3.json (not descending below one), per root. */
  async findModels(): Promise<ModelEntry[]> {
    // Concurrent and back-to-back listings share one walk of the folders (at most LISTING_TTL_MS
    // old); our own uploads call invalidate(), so a new model is listed at once.
    const now = Date.now();
    if (this.listing === undefined || now - this.listing.at > LISTING_TTL_MS) {
      const scan = this.scanModels();
      this.listing = { at: now, scan };
      scan.catch(() => (this.listing = undefined));
    }
    return structuredClone(await this.listing.scan);
  }

  /** Forget the cached listing (after an upload or deletion). */
  invalidate(): void {
    this.listing = undefined;
  }

  private async scanModels(): Promise<ModelEntry[]> {
    const modFolder = await this.workshop.workshopPath();
    const sources: Array<[string, string, string]> = [
      [this.roots.publicDir, 'static', '/static'],
      [this.roots.dataFolder.live2dDir, 'documents', '/user_live2d'],
    ];
    if (existsSync(modFolder)) sources.push([modFolder, 'user_mods', '/user_mods']);
    const models: ModelEntry[] = [];
    const names = new Set<string>();
    for (const [root, source, prefix] of sources) {
      await walkTree(root, (d) => {
        const file = d.files.find((f) => f.endsWith('.model3.json'));
        if (file === undefined) return true;
        let name = basename(d.dir);
        if (names.has(name)) name = `${name}_${source}`;
        names.add(name);
        models.push({ name, path: `${prefix}/${d.rel === '' ? '' : `${d.rel}/`}${file}`, source });
        return false;
      });
    }
    return models;
  }

  private async guard(): Promise<PathGuard> {
    return this.roots.guard();
  }

  /** Sub-folders of `root` (sorted, bounded), as candidates for workshop item folders. */
  private async itemDirs(root: string): Promise<string[]> {
    const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink()))
      .map((e) => e.name)
      .sort()
      .slice(0, WALK_LIMITS.maxEntries);
  }

  /** `<W>/<name>`, `<W>/<id>/<name>` or `<W>/<id>` holding `<name>.model3.json` (spec §3.3 step 2/3). */
  private async searchWorkshopRoot(root: string, name: string, guard: PathGuard): Promise<string | undefined> {
    if ((await guard.directory(root)) === undefined) return undefined;
    const direct = await guard.directory(join(root, name));
    if (direct !== undefined) return direct;
    for (const id of await this.itemDirs(root)) {
      const item = await guard.directory(join(root, id));
      if (item === undefined) continue;
      const nested = await guard.directory(join(item, name));
      if (nested !== undefined) return nested;
      if ((await guard.file(join(item, `${name}.model3.json`))) !== undefined) return item;
    }
    return undefined;
  }

  /**
   * find_model_directory(name): <data>/live2d/<name>, then the Steam workshop root, then the
   * workshop (mods) path, then public/<name> — which is also the answer when nothing exists.
   * Throws InvalidModelNameError for a name with separators or `..`.
   */
  async findModelDirectory(name: string): Promise<ModelLocation> {
    assertModelName(name);
    const guard = await this.guard();
    const user = await guard.directory(join(this.roots.dataFolder.live2dDir, name));
    if (user !== undefined) return this.location(user, '/user_live2d');
    const steamRoot = await this.workshop.steamWorkshopRoot();
    if (steamRoot !== undefined) {
      const hit = await this.searchWorkshopRoot(steamRoot, name, guard);
      if (hit !== undefined) return this.location(hit, '/workshop');
    }
    const modFolder = await this.workshop.workshopPath();
    const mod = await this.searchWorkshopRoot(modFolder, name, guard);
    if (mod !== undefined) return this.location(mod, '/user_mods');
    const builtIn = (await guard.directory(join(this.roots.publicDir, name))) ?? join(this.roots.publicDir, name);
    return { dir: builtIn, urlPrefix: '/static', url: `/static/${name}` };
  }

  /**
   * find_workshop_item_by_id(id): `<W>/<id>` (W = WORKSHOP_PATH, else the folder /workshop serves),
   * or public/<id> when W does not exist. [QUIRK] fixed: the original fell back to
   * default_workshop_folder even when /workshop served another folder (user_mod_folder), so the
   * URLs built from the answer 404ed; we search the folder /workshop really serves.
   */
  async findWorkshopItemById(id: string): Promise<ModelLocation> {
    assertModelName(id);
    const guard = await this.guard();
    const root = (await this.workshop.steamWorkshopRoot()) ?? (await this.workshop.workshopPath());
    const realRoot = await guard.directory(root);
    if (realRoot === undefined) {
      const dir = (await guard.directory(join(this.roots.publicDir, id))) ?? join(this.roots.publicDir, id);
      return { dir, urlPrefix: '/static', url: `/static/${id}` };
    }
    const item = (await guard.directory(join(realRoot, id))) ?? join(realRoot, id);
    return { dir: item, urlPrefix: '/workshop', url: `/workshop/${id}` };
  }

  /** True when `dir` exists as a folder inside the allowed roots (symlinks checked on the real path). */
  async exists(dir: string): Promise<boolean> {
    return (await (await this.guard()).directory(dir)) !== undefined;
  }
}
