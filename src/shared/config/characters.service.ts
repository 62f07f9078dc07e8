import { Inject, Injectable } from '@nestjs/common';
import type { DataFolder } from '../data/data-folder';
import { DATA_FOLDER } from './config.tokens';
import { ConfigFileService } from './config-file.service';
import { defaultCharactersFile } from './default-character.const';
import {
  characterPrompt,
  coerceCharactersFile,
  deriveCharacterData,
  type CharacterData,
  type CharactersFile,
} from './characters.types';

/** characters.json: master profile, characters (猫娘), current character and microphone. */
@Injectable()
export class CharactersService extends ConfigFileService<CharactersFile> {
  constructor(@Inject(DATA_FOLDER) folder: DataFolder) {
    super(folder.configFile('characters.json'), {
      defaults: () => coerceCharactersFile(defaultCharactersFile()),
      coerce: coerceCharactersFile,
    });
  }

  /** Derived view (master name, names, current character). Never rewrites the file. */
  async data(): Promise<CharacterData> {
    return deriveCharacterData(await this.read());
  }

  /** The character's system prompt with {LANLAN_NAME}/{MASTER_NAME} filled in. */
  async promptFor(name: string): Promise<string> {
    return characterPrompt(await this.data(), name);
  }
}
