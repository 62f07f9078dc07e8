import { Injectable, Logger } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { isPlainObject } from '../../shared/data/json-edit';
import { PreferencesService, type ModelPreference } from '../../shared/config/preferences.service';

type Result = { success: true; message: string } | { success: false; error: string };

const MAX_ENTRIES = 500;
const MAX_PARAMETERS = 2000;

const isXy = (v: unknown): boolean => isPlainObject(v) && 'x' in v && 'y' in v;

/** user_preferences.json through the config router (spec §3.1, §9.5). */
@Injectable()
export class PreferencesApiService {
  private readonly logger = new Logger(PreferencesApiService.name);

  constructor(private readonly prefs: PreferencesService) {}

  /** The array as stored; an old single-object file is wrapped in an array. */
  async list(): Promise<unknown[]> {
    try {
      const raw: unknown = JSON.parse(await fs.readFile(this.prefs.path, 'utf8'));
      if (Array.isArray(raw)) return raw as unknown[];
      if (isPlainObject(raw) && 'model_path' in raw && 'position' in raw && 'scale' in raw) return [raw];
      return [];
    } catch {
      return [];
    }
  }

  async save(body: Record<string, unknown>): Promise<Result> {
    if (!('model_path' in body) || !('position' in body) || !('scale' in body)) return { success: false, error: '偏好数据格式无效' };
    if (typeof body.model_path !== 'string' || body.model_path.length > 2000) return { success: false, error: '偏好数据格式无效' };
    if (!isXy(body.position) || !isXy(body.scale)) return { success: false, error: '偏好数据格式无效' };
    if ('parameters' in body && (!isPlainObject(body.parameters) || Object.keys(body.parameters).length > MAX_PARAMETERS)) {
      return { success: false, error: '偏好数据格式无效' };
    }
    const entry = body as ModelPreference;
    try {
      await this.prefs.update((list) => {
        const i = list.findIndex((p) => p.model_path === entry.model_path);
        if (i >= 0) {
          const old = list[i];
          list[i] = 'parameters' in entry || !old?.parameters ? entry : { ...entry, parameters: old.parameters };
        } else {
          list.unshift(entry);
          if (list.length > MAX_ENTRIES) list.length = MAX_ENTRIES;
        }
      });
      return { success: true, message: '偏好设置已保存' };
    } catch (err) {
      this.logger.error(`saving user_preferences.json failed: ${String(err)}`);
      return { success: false, error: '保存失败' };
    }
  }

  async setPreferred(modelPath: unknown): Promise<Result> {
    if (typeof modelPath !== 'string' || modelPath === '') return { success: false, error: '无效的数据' };
    let found = false;
    try {
      await this.prefs.update((list) => {
        const i = list.findIndex((p) => p.model_path === modelPath);
        if (i < 0) return;
        found = true;
        const [entry] = list.splice(i, 1);
        if (entry) list.unshift(entry);
      });
    } catch {
      return { success: false, error: '模型不存在或更新失败' };
    }
    return found ? { success: true, message: '首选模型已更新' } : { success: false, error: '模型不存在或更新失败' };
  }
}
