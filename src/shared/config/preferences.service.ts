import { Inject, Injectable } from '@nestjs/common';
import type { DataFolder } from '../data/data-folder';
import { isPlainObject } from '../data/json-edit';
import { DATA_FOLDER } from './config.tokens';
import { ConfigFileService } from './config-file.service';

/** One entry of user_preferences.json (spec §9.5); index 0 is the preferred model. Unknown keys kept. */
export type ModelPreference = Record<string, unknown> & {
  model_path: string;
  position?: { x: number; y: number };
  scale?: { x: number; y: number };
  parameters?: Record<string, number>;
};

/** The array as stored; an old single-object file ({model_path, position, scale}) becomes its one entry (spec §3.1). */
export function coercePreferences(raw: unknown): ModelPreference[] {
  if (isPlainObject(raw) && ('model_path' in raw || 'position' in raw || 'scale' in raw)) return [raw as ModelPreference];
  if (!Array.isArray(raw)) return [];
  return raw.filter((p): p is ModelPreference => isPlainObject(p));
}

/** user_preferences.json: avatar position, scale and parameters per model. */
@Injectable()
export class PreferencesService extends ConfigFileService<ModelPreference[]> {
  constructor(@Inject(DATA_FOLDER) folder: DataFolder) {
    super(folder.configFile('user_preferences.json'), { defaults: () => [], coerce: coercePreferences });
  }
}
