import { Injectable } from '@nestjs/common';
import { dirname, join } from 'node:path';
import { isPlainObject } from '../../shared/data/json-edit';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { applyEmotionMapping, deriveEmotionMapping } from './emotion-mapping.mapper';
import { readModelJson, withModelFileLock, writeModelJson } from './model-json.store';
import { errorText, wireFail as fail, wireOk as ok, type WireResult } from '../http/wire-outcome';
import { ModelLocatorService, type ModelLocation } from './model-locator.service';
import { isValidModelName } from './model-name.validator';
import { firstFileWithSuffix, listFilesRecursive } from './model-tree.walker';

/** An existing model folder, found by name or by workshop item id. */
export interface ModelFolder extends ModelLocation {
  /** The first *.model3.json directly in the folder, if any. */
  readonly model3?: string;
}

/**
 * The model-folder endpoints of /api/live2d (spec §3.3): model3.json config, emotion mapping,
 * motion/expression file lists, cdi3 parameters and the editor's parameters.json.
 */
@Injectable()
export class Live2dModelService {
  constructor(
    private readonly locator: ModelLocatorService,
    private readonly roots: AllowedRootsService,
  ) {}

  /** The model folder for a URL name, or undefined when the name is invalid or nothing exists. */
  async byName(name: string): Promise<ModelFolder | undefined> {
    if (!isValidModelName(name)) return undefined;
    const found = await this.existing(await this.locator.findModelDirectory(name));
    return found ?? (await this.listed(name));
  }

  /**
   * [QUIRK] fixed: /models lists nested models (`/static/pack/x/...`) and renamed collisions
   * (`hiyori_user_mods`) that find_model_directory cannot find by name, so the managers failed on
   * them; a name from the list now resolves to the folder of its listed model3.json.
   */
  private async listed(name: string): Promise<ModelFolder | undefined> {
    const entry = (await this.locator.findModels()).find((m) => m.name === name);
    const file = entry === undefined ? undefined : await this.locator.pathOfUrl(entry.path);
    if (file === undefined) return undefined;
    const dir = dirname(file);
    const url = (await this.locator.urlOf(dir)) ?? entry!.path.slice(0, entry!.path.lastIndexOf('/'));
    return this.existing({ dir, url, urlPrefix: url.slice(0, url.lastIndexOf('/')) });
  }

  /** The folder of a workshop item (find_workshop_item_by_id), or undefined. */
  async byId(id: string): Promise<ModelFolder | undefined> {
    if (!isValidModelName(id)) return undefined;
    return this.existing(await this.locator.findWorkshopItemById(id));
  }

  private async existing(loc: ModelLocation): Promise<ModelFolder | undefined> {
    const guard = await this.roots.guard();
    const dir = await guard.directory(loc.dir);
    if (dir === undefined) return undefined;
    const file = await firstFileWithSuffix(dir, '.model3.json');
    const model3 = file === undefined ? undefined : await guard.file(join(dir, file));
    return { ...loc, dir, model3 };
  }

  /**
   * The model3.json endpoints: their two 404s, then `task` on the parsed file, under the file's
   * lock (read-modify-write of one file is serialised); an exception is the original's 500.
   */
  private async withModel3(folder: ModelFolder | undefined, task: (config: Record<string, unknown>, model3: string) => Promise<WireResult>): Promise<WireResult> {
    if (folder === undefined) return fail(404, '模型目录不存在');
    const model3 = folder.model3;
    if (model3 === undefined) return fail(404, '模型配置文件不存在');
    try {
      return await withModelFileLock(model3, async () => {
        const config = await readModelJson(model3);
        if (!isPlainObject(config)) throw new Error('model3.json 不是 JSON 对象');
        return await task(config, model3);
      });
    } catch (err) {
      return fail(500, errorText(err));
    }
  }

  /** GET model_config: the model3.json, with FileReferences/Motions/Expressions added (indent 4) if missing. */
  getConfig(folder: ModelFolder | undefined): Promise<WireResult> {
    return this.withModel3(folder, async (config, model3) => {
      let updated = false;
      if (!isPlainObject(config.FileReferences)) {
        config.FileReferences = {};
        updated = true;
      }
      const refs = config.FileReferences as Record<string, unknown>;
      if (!('Motions' in refs)) {
        refs.Motions = {};
        updated = true;
      }
      if (!('Expressions' in refs)) {
        refs.Expressions = [];
        updated = true;
      }
      if (updated) await writeModelJson(model3, config, 4);
      return ok({ success: true, config });
    });
  }

  /** POST model_config: copies FileReferences.Motions / .Expressions of the body into the file (indent 4). */
  updateConfig(folder: ModelFolder | undefined, body: Record<string, unknown>): Promise<WireResult> {
    return this.withModel3(folder, async (config, model3) => {
      if (!isPlainObject(config.FileReferences)) config.FileReferences = {};
      const refs = config.FileReferences as Record<string, unknown>;
      refs.Motions ??= {};
      refs.Expressions ??= [];
      const posted = isPlainObject(body.FileReferences) ? body.FileReferences : {};
      if ('Motions' in posted) refs.Motions = posted.Motions;
      if ('Expressions' in posted) refs.Expressions = posted.Expressions;
      await writeModelJson(model3, config, 4);
      return ok({ success: true, message: '模型配置已更新' });
    });
  }

  /** GET emotion_mapping: EmotionMapping when truthy, else derived from FileReferences. */
  getEmotionMapping(folder: ModelFolder | undefined): Promise<WireResult> {
    return this.withModel3(folder, (config) => {
      const stored = config.EmotionMapping;
      const truthy = stored !== undefined && stored !== null && stored !== false && stored !== '' && stored !== 0 && !(isPlainObject(stored) && Object.keys(stored).length === 0) && !(Array.isArray(stored) && stored.length === 0);
      return Promise.resolve(ok({ success: true, config: truthy ? stored : deriveEmotionMapping(config) }));
    });
  }

  /** POST emotion_mapping: rewrites FileReferences and EmotionMapping (indent 2). */
  saveEmotionMapping(folder: ModelFolder | undefined, body: Record<string, unknown>): Promise<WireResult> {
    return this.withModel3(folder, async (config, model3) => {
      applyEmotionMapping(config, body);
      await writeModelJson(model3, config, 2);
      return ok({ success: true, message: '情绪映射配置已保存' });
    });
  }

  /** Motion and expression files of a model folder, relative with `/`. */
  async files(dir: string): Promise<{ motion_files: string[]; expression_files: string[] }> {
    return {
      motion_files: await listFilesRecursive(dir, ['.motion3.json']),
      expression_files: await listFilesRecursive(dir, ['.exp3.json']),
    };
  }

  /** GET model_files. */
  async modelFiles(name: string): Promise<WireResult> {
    const folder = await this.byName(name);
    if (folder === undefined) return ok({ success: false, error: `模型 ${name} 不存在` });
    try {
      return ok({ success: true, ...(await this.files(folder.dir)) });
    } catch (err) {
      return ok({ success: false, error: errorText(err) });
    }
  }

  /**
   * GET model_files_by_id: the workshop item folder, else the id taken as a model name.
   * [QUIRK] fixed: model_config_url is the model3.json's real URL (the original dropped the
   * folder name for non-workshop folders, e.g. `/user_live2d/x.model3.json`, which 404ed).
   */
  async modelFilesById(id: string): Promise<WireResult> {
    if (id === '' || id.toLowerCase() === 'undefined') return ok({ success: false, error: '无效的模型ID' });
    const folder = (await this.byId(id)) ?? (await this.byName(id));
    if (folder === undefined) return ok({ success: false, error: '模型不存在' });
    try {
      const files = await this.files(folder.dir);
      const url = folder.model3 === undefined ? undefined : await this.locator.urlOf(folder.model3);
      return ok({ success: true, ...files, model_config_url: url ?? null });
    } catch (err) {
      return ok({ success: false, error: errorText(err) });
    }
  }
}
