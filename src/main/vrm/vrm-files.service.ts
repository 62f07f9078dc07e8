import { Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { PathGuard } from '../files/path-guard';
import { WorkshopConfigService } from '../workshop/workshop-config.service';
import { VRM_STATIC_ANIMATION_PATH, VRM_STATIC_PATH, VRM_USER_PATH } from './vrm.const';

export interface VrmModelEntry {
  name: string;
  filename: string;
  path: string;
  url: string;
  type: 'vrm';
  size: number;
  location: 'project' | 'user' | 'steam_workshop';
  source?: string;
  item_id?: string;
}

export interface VrmAnimationEntry {
  name: string;
  filename: string;
  url: string;
  type: 'vrma' | 'vrm';
  size: number;
}

const MAX_LISTED = 10_000;

const stem = (file: string): string => basename(file, extname(file));

/**
 * The VRM folders (upstream vrm_router.py): public/vrm (/static/vrm), <data>/vrm (/user_vrm), their
 * animation/ sub-folders and the Steam workshop root (/workshop). Only regular files are listed;
 * a symlink whose target leaves its folder is ignored (the static mounts would refuse it too).
 */
@Injectable()
export class VrmFilesService {
  constructor(
    private readonly roots: AllowedRootsService,
    private readonly workshop: WorkshopConfigService,
  ) {}

  get userDir(): string {
    return this.roots.dataFolder.vrmDir;
  }
  get userAnimationDir(): string {
    return join(this.userDir, 'animation');
  }
  get staticDir(): string {
    return join(this.roots.publicDir, 'vrm');
  }
  get staticAnimationDir(): string {
    return join(this.staticDir, 'animation');
  }

  /** Files of `dir` ending with `ext` (case-insensitive), sorted, with their sizes. */
  async filesIn(dir: string, ext: string): Promise<Array<{ file: string; size: number }>> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    const guard = new PathGuard([dir]);
    const out: Array<{ file: string; size: number }> = [];
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, MAX_LISTED)) {
      if (e.name.startsWith('.') || !e.name.toLowerCase().endsWith(ext)) continue;
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      const real = await guard.file(join(dir, e.name));
      if (real === undefined) continue;
      const stats = await fs.stat(real).catch(() => undefined);
      if (stats?.isFile()) out.push({ file: e.name, size: stats.size });
    }
    return out;
  }

  /** GET /models: project models, then the user's, then workshop items; one entry per URL. */
  async models(): Promise<VrmModelEntry[]> {
    await fs.mkdir(this.userAnimationDir, { recursive: true }).catch(() => undefined);
    const models: VrmModelEntry[] = [];
    const seen = new Set<string>();
    const add = (entry: VrmModelEntry): void => {
      if (seen.has(entry.url)) return;
      seen.add(entry.url);
      models.push(entry);
    };
    for (const { file, size } of await this.filesIn(this.staticDir, '.vrm')) {
      const url = `${VRM_STATIC_PATH}/${file}`;
      add({ name: stem(file), filename: file, path: url, url, type: 'vrm', size, location: 'project' });
    }
    for (const { file, size } of await this.filesIn(this.userDir, '.vrm')) {
      const url = `${VRM_USER_PATH}/${file}`;
      add({ name: stem(file), filename: file, path: url, url, type: 'vrm', size, location: 'user' });
    }
    for (const entry of await this.workshopModels()) add(entry);
    return models;
  }

  /**
   * Workshop VRM models: upstream asks Steam for the subscribed items; without Steam the installed
   * items are the folders of the workshop root (WORKSHOP_PATH), `<root>/<id>/[<sub>/]<file>.vrm`.
   */
  private async workshopModels(): Promise<VrmModelEntry[]> {
    const root = await this.workshop.steamWorkshopRoot();
    if (root === undefined) return [];
    const guard = await this.roots.guard();
    const out: VrmModelEntry[] = [];
    const items = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    for (const item of items.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort().slice(0, MAX_LISTED)) {
      const itemDir = await guard.directory(join(root, item));
      if (itemDir === undefined) continue;
      const push = (rel: string, file: string, size: number): void => {
        const url = `/workshop/${item}/${rel}${file}`;
        out.push({ name: stem(file), filename: file, path: url, url, type: 'vrm', size, location: 'steam_workshop', source: 'steam_workshop', item_id: item });
      };
      for (const { file, size } of await this.filesIn(itemDir, '.vrm')) push('', file, size);
      const subs = await fs.readdir(itemDir, { withFileTypes: true }).catch(() => []);
      for (const sub of subs.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort().slice(0, MAX_LISTED)) {
        for (const { file, size } of await this.filesIn(join(itemDir, sub), '.vrm')) push(`${sub}/`, file, size);
      }
    }
    return out;
  }

  /** GET /animations: static then user animation folders, .vrma then .vrm files; one entry per URL. */
  async animations(): Promise<VrmAnimationEntry[]> {
    await fs.mkdir(this.userAnimationDir, { recursive: true }).catch(() => undefined);
    const out: VrmAnimationEntry[] = [];
    const seen = new Set<string>();
    for (const [dir, prefix] of [
      [this.staticAnimationDir, VRM_STATIC_ANIMATION_PATH],
      [this.userAnimationDir, `${VRM_USER_PATH}/animation`],
    ] as const) {
      for (const type of ['vrma', 'vrm'] as const) {
        for (const { file, size } of await this.filesIn(dir, `.${type}`)) {
          const url = `${prefix}/${file}`;
          if (seen.has(url)) continue;
          seen.add(url);
          out.push({ name: stem(file), filename: file, url, type, size });
        }
      }
    }
    return out;
  }

  /** The .vrm file of a (validated) model name: built-in first, then the user's. */
  async modelFile(name: string): Promise<{ path: string; prefix: string } | undefined> {
    const builtIn = await new PathGuard([this.staticDir]).file(join(this.staticDir, `${name}.vrm`));
    if (builtIn !== undefined) return { path: builtIn, prefix: VRM_STATIC_PATH };
    const user = await new PathGuard([this.userDir]).file(join(this.userDir, `${name}.vrm`));
    return user === undefined ? undefined : { path: user, prefix: VRM_USER_PATH };
  }
}
