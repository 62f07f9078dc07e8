import { Inject, Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { createFileExclusive } from '../../shared/data/atomic-file';
import { isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { DataFolder } from '../../shared/data/data-folder';
import { isPlainObject } from '../../shared/data/json-edit';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import { ConfigFileService } from '../../shared/config/config-file.service';

/** workshop_config.json (spec §9.6). Unknown keys are kept. */
export type WorkshopConfig = Record<string, unknown> & {
  default_workshop_folder?: string;
  auto_create_folder?: boolean;
  user_mod_folder?: string;
  WORKSHOP_PATH?: string;
};

/** workshop_config.json: the local mod folder and (on Steam machines) the workshop content root. */
@Injectable()
export class WorkshopConfigService extends ConfigFileService<WorkshopConfig> {
  constructor(@Inject(DATA_FOLDER) private readonly folder: DataFolder) {
    super(folder.configFile('workshop_config.json'), {
      defaults: () => ({ default_workshop_folder: folder.workshopDir, auto_create_folder: true }),
      coerce: (raw) => (isPlainObject(raw) ? (raw) : { default_workshop_folder: folder.workshopDir, auto_create_folder: true }),
    });
  }

  /** `~/x` and relative folders are taken from the user's home, as N.E.K.O. does. */
  absolute(path: string): string {
    const p = path.trim();
    if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) return resolve(homedir(), p.slice(2));
    return isAbsolute(p) ? resolve(p) : resolve(homedir(), p);
  }

  /**
   * get_workshop_path(): user_mod_folder ‖ WORKSHOP_PATH ‖ default_workshop_folder ‖ <data>/workshop.
   * [QUIRK] fixed: in the original the first present key won even when empty (an empty path, i.e.
   * the process's cwd); an empty or blank value is skipped here (the UI clears a field with "").
   */
  async workshopPath(): Promise<string> {
    const c = await this.read();
    for (const key of ['user_mod_folder', 'WORKSHOP_PATH', 'default_workshop_folder'] as const) {
      const v = c[key];
      if (typeof v === 'string' && v.trim() !== '') return this.absolute(v);
    }
    return join(this.folder.root, 'workshop');
  }

  /** The Steam workshop content root when one is configured (WORKSHOP_PATH). */
  async steamWorkshopRoot(): Promise<string | undefined> {
    const v = (await this.read()).WORKSHOP_PATH;
    return typeof v === 'string' && v.trim() !== '' ? this.absolute(v) : undefined;
  }

  /** Every folder the workshop features may read: the mod folder, the default folder, WORKSHOP_PATH. */
  async allFolders(): Promise<string[]> {
    const c = await this.read();
    const out = new Set<string>([await this.workshopPath(), this.folder.workshopDir]);
    for (const key of ['user_mod_folder', 'WORKSHOP_PATH', 'default_workshop_folder'] as const) {
      const v = c[key];
      if (typeof v === 'string' && v.trim() !== '') out.add(this.absolute(v));
    }
    // A configured "folder" that is a file is no folder: it never widens what may be read.
    const stats = await Promise.all([...out].map((p) => fs.stat(p).catch(() => undefined)));
    return [...out].filter((_, i) => stats[i] === undefined || stats[i].isDirectory());
  }

  /**
   * POST /api/steam/workshop/config: merges the three known fields into the file (others in the
   * body are ignored, unknown keys of the file kept). A file that does not exist yet is written
   * with indent 4 as N.E.K.O.'s workshop_utils does; an existing one keeps its own layout.
   */
  async mergeFields(patch: Pick<WorkshopConfig, 'default_workshop_folder' | 'auto_create_folder' | 'user_mod_folder'>): Promise<WorkshopConfig> {
    const apply = (draft: WorkshopConfig): WorkshopConfig => {
      for (const key of ['default_workshop_folder', 'auto_create_folder', 'user_mod_folder'] as const) {
        if (patch[key] !== undefined) (draft as Record<string, unknown>)[key] = patch[key];
      }
      return draft;
    };
    const exists = await fs.stat(this.path).then(
      () => true,
      () => false,
    );
    // Exclusive create: when a concurrent save created the file first, our fields are merged into
    // theirs by the locked update instead of overwriting them.
    if (!exists && (await createFileExclusive(this.path, JSON.stringify(apply(await this.read()), null, 4)))) return this.read();
    return this.update(apply);
  }

  /** The folder auto_create_folder creates: user_mod_folder ‖ default_workshop_folder (absolute), if any. */
  folderToCreate(c: WorkshopConfig): string | undefined {
    for (const v of [c.user_mod_folder, c.default_workshop_folder]) if (typeof v === 'string' && v.trim() !== '') return this.absolute(v);
    return undefined;
  }
}
