import { Injectable, Logger } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { CharactersService } from '../../shared/config/characters.service';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { isValidModelName } from '../live2d/model-name.validator';
import { own } from './character-name.validator';
import { ModelLocatorService } from '../live2d/model-locator.service';

/** model_info of current_live2d_model: a find_models() entry, or one built from the model folder. */
export type ModelInfo = Record<string, unknown> & { name: string; path: string; source?: string; item_id?: string; is_fallback?: boolean };

export interface CurrentModel {
  readonly catgirl_name: string;
  readonly model_name: string | null;
  readonly model_info: ModelInfo | null;
}

const FALLBACK_MODEL = 'mao_pro';

/**
 * GET /api/characters/current_live2d_model and page_config's model lookup (spec §3.2), ported
 * step by step: explicit workshop item id, the character's saved model (and item id), the model
 * list, the model's folder, then the built-in mao_pro marked is_fallback.
 */
@Injectable()
export class CurrentModelService {
  private readonly logger = new Logger(CurrentModelService.name);

  constructor(
    private readonly characters: CharactersService,
    private readonly locator: ModelLocatorService,
    private readonly roots: AllowedRootsService,
  ) {}

  async resolve(catgirlName: string, itemId: string): Promise<CurrentModel> {
    const file = await this.characters.read();
    const name = catgirlName || (typeof file['当前猫娘'] === 'string' ? file['当前猫娘'] : '');
    const models = await this.locator.findModels();
    const byItem = (id: string) => models.find((m) => m.item_id !== undefined && String(m.item_id) === id);
    let info: ModelInfo | undefined;
    let modelName: string | undefined;
    let savedItemId = '';
    if (itemId) {
      const hit = byItem(itemId);
      if (hit) [info, modelName] = [{ ...hit }, hit.name];
    } else {
      const cat = own(file['猫娘'], name);
      if (cat) {
        modelName = typeof cat.live2d === 'string' && cat.live2d ? cat.live2d : undefined;
        savedItemId = typeof cat.live2d_item_id === 'string' ? cat.live2d_item_id : '';
        const hit = savedItemId ? byItem(savedItemId) : undefined;
        if (hit) [info, modelName] = [{ ...hit }, hit.name];
      }
    }
    if (modelName && !info) {
      const hit = models.find((m) => m.name === modelName);
      info = hit ? { ...hit } : await this.fromFolder(modelName, savedItemId);
    }
    if (!info) {
      const hit = models.find((m) => m.name === FALLBACK_MODEL);
      const built = hit ? { ...hit } : await this.fromFolder(FALLBACK_MODEL, '');
      if (built) {
        info = { ...built, is_fallback: true };
        modelName = FALLBACK_MODEL;
      }
    }
    return { catgirl_name: name, model_name: modelName ?? null, model_info: info ?? null };
  }

  /** find_model_directory(name) and the first *.model3.json in it. */
  private async fromFolder(name: string, savedItemId: string): Promise<ModelInfo | undefined> {
    if (!isValidModelName(name)) return undefined;
    try {
      const { dir, url } = await this.locator.findModelDirectory(name);
      const real = await (await this.roots.guard()).directory(dir);
      if (!real) return undefined;
      const file = (await fs.readdir(real)).sort().find((f) => f.endsWith('.model3.json'));
      if (!file) return undefined;
      // The original built `<prefix>/<item id or name>/<file>`, which is wrong for a model found
      // in <root>/<item id>/<name>/; the URL here is the one of the folder actually found.
      return { name, item_id: savedItemId, path: `${url}/${file}` };
    } catch (err) {
      this.logger.warn(`looking up the folder of model ${name} failed: ${String(err)}`);
      return undefined;
    }
  }
}
