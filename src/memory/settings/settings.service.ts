import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import { isPlainObject } from '../../shared/data/json-edit';

/** Character-card fields that are settings, not facts (V1 CHARACTER_RESERVED_FIELDS). */
export const CHARACTER_RESERVED_FIELDS = new Set([
  '_reserved', 'live2d', 'voice_id', 'system_prompt', 'model_type', 'vrm', 'vrm_animation', 'lighting', 'vrm_rotation',
  'live2d_item_id', 'item_id', 'idleAnimation', 'mmd', 'mmd_animation', 'mmd_idle_animation', 'touch_set',
  '原始数据', '文件路径', '创意工坊物品ID', 'description', 'tags', 'name', '描述', '标签', '关键词',
]);

export type Settings = Record<string, Record<string, unknown>>;

/**
 * "What {L} remembers" (spec memory §3.5): settings_{L}.json (if any) overlaid with the current
 * character card (reserved fields removed) and the master card. Never writes the file.
 */
@Injectable()
export class SettingsService {
  constructor(
    @Inject(DATA_FOLDER) private readonly folder: DataFolder,
    private readonly characters: CharactersService,
  ) {}

  /** `settings_{L}.json` in the memory folder. */
  path(name: string): string {
    return join(this.folder.memoryDir, `settings_${name}.json`);
  }

  async get(name: string): Promise<Settings> {
    const data = await this.characters.data();
    const master = data.masterName;
    let stored: unknown;
    try {
      stored = JSON.parse(await fs.readFile(this.path(name), 'utf8'));
    } catch {
      stored = undefined;
    }
    const result: Settings = {};
    const section = (key: string) => (isPlainObject(stored) && isPlainObject(stored[key]) ? { ...stored[key] } : {});
    result[name] = section(name);
    result[master] = { ...(result[master] ?? {}), ...section(master) };
    const card = data.characters[name] ?? {};
    for (const [k, v] of Object.entries(card)) if (!CHARACTER_RESERVED_FIELDS.has(k)) result[name][k] = v;
    Object.assign(result[master], data.master);
    return result;
  }
}

/** Python's json.dumps(value, ensure_ascii=False): separators ", " and ": ", non-ASCII kept. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  return JSON.stringify(typeof value === 'bigint' ? value.toString() : null);
}
