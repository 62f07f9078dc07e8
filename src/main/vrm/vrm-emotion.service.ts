import { Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/data/atomic-file';
import { stripBom } from '../../shared/data/json-edit';
import { errorText, wireFail as fail, wireOk, type WireResult } from '../http/wire-outcome';
import { PathGuard } from '../files/path-guard';
import { DEFAULT_MOOD_MAP, isValidVrmName, pyRepr, VRM_MAPPING_LIMITS } from './vrm.const';
import { VrmFilesService } from './vrm-files.service';

/**
 * Normalises a posted mapping to `{emotion: [non-empty names]}` (a single string becomes a list;
 * other values, blank keys and blank names are dropped). Undefined when it is too large.
 */
export function normaliseVrmMapping(data: Record<string, unknown>): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  const entries = Object.entries(data);
  if (entries.length > VRM_MAPPING_LIMITS.maxEmotions) return undefined;
  for (const [key, value] of entries) {
    if (key.trim() === '' || key.length > VRM_MAPPING_LIMITS.maxNameLength) continue;
    const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    if (list.length > VRM_MAPPING_LIMITS.maxNamesPerEmotion) return undefined;
    const names = list.filter((v): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= VRM_MAPPING_LIMITS.maxNameLength).map((v) => v.trim());
    if (names.length > 0) out[key] = names;
  }
  return out;
}

/**
 * VRM emotion mappings. [QUIRK] fixed: upstream wrote them into static/vrm/configs/ (the project
 * folder, lost on update and maybe read-only); user mappings are stored in
 * <data>/vrm/configs/<model>_emotion.json and public/vrm/configs/ is read as built-in defaults.
 */
@Injectable()
export class VrmEmotionService {
  constructor(private readonly files: VrmFilesService) {}

  private get userConfigDir(): string {
    return join(this.files.userDir, 'configs');
  }
  private get builtInConfigDir(): string {
    return join(this.files.staticDir, 'configs');
  }

  private async readMapping(dir: string, name: string): Promise<unknown> {
    const path = await new PathGuard([dir]).file(join(dir, `${name}_emotion.json`));
    if (path === undefined) return undefined;
    const stats = await fs.stat(path);
    if (stats.size > 4 * 1024 * 1024) return undefined;
    try {
      return JSON.parse(stripBom(await fs.readFile(path, 'utf8'))) as unknown;
    } catch {
      return undefined; // a broken file falls back to the default map, as upstream
    }
  }

  async get(name: string): Promise<WireResult> {
    if (!isValidVrmName(name)) return fail(400, `Invalid model name: ${pyRepr(name)}`);
    try {
      const config = (await this.readMapping(this.userConfigDir, name)) ?? (await this.readMapping(this.builtInConfigDir, name)) ?? DEFAULT_MOOD_MAP;
      return wireOk({ success: true, config });
    } catch (err) {
      return fail(500, errorText(err));
    }
  }

  async save(name: string, data: Record<string, unknown>): Promise<WireResult> {
    const normalised = normaliseVrmMapping(data);
    if (normalised === undefined) return fail(400, '无效的数据：情感映射过大');
    if (Object.keys(normalised).length === 0) return fail(400, '无效的数据：规范化后无有效情感映射');
    if (!isValidVrmName(name) || (await this.files.modelFile(name)) === undefined) return fail(404, '模型不存在');
    try {
      await fs.mkdir(this.userConfigDir, { recursive: true });
      const target = await new PathGuard([this.userConfigDir]).resolve(join(this.userConfigDir, `${name}_emotion.json`));
      if (target === undefined) return fail(500, '无法创建配置目录');
      await writeFileAtomic(target, JSON.stringify(normalised, null, 2));
      return wireOk({ success: true, message: '配置保存成功' });
    } catch (err) {
      return fail(500, errorText(err));
    }
  }

  /** Removes the user's mapping of a deleted model unless a built-in model has the same name. */
  async forget(name: string): Promise<void> {
    if (!isValidVrmName(name)) return;
    const builtIn = await new PathGuard([this.files.staticDir]).file(join(this.files.staticDir, `${name}.vrm`));
    if (builtIn !== undefined) return;
    const path = await new PathGuard([this.userConfigDir]).file(join(this.userConfigDir, `${name}_emotion.json`));
    if (path !== undefined) await fs.rm(path, { force: true }).catch(() => undefined);
  }
}
