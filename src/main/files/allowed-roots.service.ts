import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import { appRoot } from '../../shared/lifecycle/app-root';
import { WorkshopConfigService } from '../workshop/workshop-config.service';
import { PathGuard } from './path-guard';

/**
 * The only folders main's file-serving and file-helper endpoints may touch: the data folder,
 * the workshop folders of workshop_config.json, and the project's public/ (served as /static).
 */
@Injectable()
export class AllowedRootsService {
  readonly publicDir = join(appRoot(), 'public');
  readonly viewsDir = join(appRoot(), 'views');

  constructor(
    @Inject(DATA_FOLDER) readonly dataFolder: DataFolder,
    private readonly workshop: WorkshopConfigService,
  ) {}

  async roots(): Promise<string[]> {
    return [this.dataFolder.root, this.publicDir, ...(await this.workshop.allFolders())];
  }

  /** A guard over every allowed root (workshop folders read fresh, they may have changed). */
  async guard(): Promise<PathGuard> {
    return new PathGuard(await this.roots());
  }

  /** A guard over one folder only (e.g. a model directory, the memory folder). */
  static within(...roots: string[]): PathGuard {
    return new PathGuard(roots);
  }
}
