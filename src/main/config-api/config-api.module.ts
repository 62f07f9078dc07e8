import { Module } from '@nestjs/common';
import { CharactersModule } from '../characters/characters.module';
import { LlmModule } from '../llm/llm.module';
import { ConfigApiController } from './config-api.controller';
import { ConnectionTestService } from './connection-test.service';
import { CoreApiService } from './core-api.service';
import { PreferencesApiService } from './preferences-api.service';
import { PreferencesController } from './preferences.controller';

/** The config router /api/config. */
@Module({
  imports: [CharactersModule, LlmModule],
  controllers: [ConfigApiController, PreferencesController],
  providers: [CoreApiService, PreferencesApiService, ConnectionTestService],
})
export class ConfigApiModule {}
