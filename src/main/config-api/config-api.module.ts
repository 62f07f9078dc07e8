import { Module } from '@nestjs/common';
import { CharactersModule } from '../characters/characters.module';
import { ConfigApiController } from './config-api.controller';
import { CoreApiService } from './core-api.service';
import { PreferencesApiService } from './preferences-api.service';
import { PreferencesController } from './preferences.controller';

/** The config router /api/config. */
@Module({
  imports: [CharactersModule],
  controllers: [ConfigApiController, PreferencesController],
  providers: [CoreApiService, PreferencesApiService],
})
export class ConfigApiModule {}
