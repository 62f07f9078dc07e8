import { Module } from '@nestjs/common';
import { ChatMemoryModule } from '../chat-memory/chat-memory.module';
import { Live2dModule } from '../live2d/live2d.module';
import { CharacterProfilesService } from './character-profiles.service';
import { CharacterSessionsService } from './character-sessions.service';
import { CharacterSettingsService } from './character-settings.service';
import { CharacterVoiceController } from './character-voice.controller';
import { CharactersController } from './characters.controller';
import { CurrentModelService } from './current-model.service';
import { VoiceCloneClient } from './voice-clone.client';
import { VoiceCloneService } from './voice-clone.service';
import { VoiceStorageService } from './voice-storage.service';

/** The characters router /api/characters. */
@Module({
  imports: [Live2dModule, ChatMemoryModule],
  controllers: [CharactersController, CharacterVoiceController],
  providers: [
    CharacterSessionsService,
    CharacterProfilesService,
    CharacterSettingsService,
    CurrentModelService,
    VoiceStorageService,
    VoiceCloneClient,
    VoiceCloneService,
  ],
  exports: [CurrentModelService, CharacterSessionsService, VoiceStorageService],
})
export class CharactersModule {}
