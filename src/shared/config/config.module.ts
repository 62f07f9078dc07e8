import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CharactersService } from './characters.service';
import { DATA_FOLDER, RUNTIME_ENV, type BootContext } from './config.tokens';
import { CoreConfigService } from './core-config.service';
import { PreferencesService } from './preferences.service';

/** Typed access to the environment and the data folder's config files; used by all three processes. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(ctx: BootContext): DynamicModule {
    const providers = [
      { provide: RUNTIME_ENV, useValue: ctx.env },
      { provide: DATA_FOLDER, useValue: ctx.dataFolder },
      CharactersService,
      CoreConfigService,
      PreferencesService,
    ];
    return { module: ConfigModule, providers, exports: providers };
  }
}
