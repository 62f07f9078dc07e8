import { Inject, Injectable } from '@nestjs/common';
import type { DataFolder } from '../data/data-folder';
import { DATA_FOLDER } from './config.tokens';
import { ConfigFileService } from './config-file.service';
import { deriveCoreConfig, modelApiConfig, type CoreConfig, type ModelApiConfig, type ModelTier } from './core-config.derive';
import { coerceCoreConfigFile, defaultCoreConfigFile, type CoreConfigFile } from './core-config.types';

/** core_config.json: providers, keys, custom per-tier endpoints; resolved as N.E.K.O. does (spec §6.3). */
@Injectable()
export class CoreConfigService extends ConfigFileService<CoreConfigFile> {
  private cache: { file: CoreConfigFile; config: CoreConfig } | undefined;

  constructor(@Inject(DATA_FOLDER) folder: DataFolder) {
    super(folder.configFile('core_config.json'), {
      defaults: defaultCoreConfigFile,
      coerce: (raw) => coerceCoreConfigFile(raw, (msg) => this.logger.warn(msg)),
    });
  }

  /** The resolved configuration; recomputed only when the file changed. */
  async config(): Promise<CoreConfig> {
    const file = await this.store.read();
    if (this.cache && JSON.stringify(this.cache.file) === JSON.stringify(file)) return this.cache.config;
    const config = deriveCoreConfig(file);
    for (const w of config.warnings) this.logger.warn(`core_config.json: ${w}`);
    this.cache = { file, config };
    return config;
  }

  async modelConfig(tier: ModelTier): Promise<ModelApiConfig> {
    return modelApiConfig(await this.config(), tier);
  }
}
