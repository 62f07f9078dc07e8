import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../shared/data/atomic-file';
import { stripBom } from '../../shared/data/json-edit';

/** Largest JSON file of a model we parse (model3/motion3/cdi3/parameters files are far smaller). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Reads and parses a JSON file of a model (UTF-8, BOM tolerated). Throws on a missing or bad file. */
export async function readModelJson(path: string): Promise<unknown> {
  const stats = await fs.stat(path);
  if (stats.size > MAX_MODEL_JSON_BYTES) throw new Error(`文件过大: 超过 ${MAX_MODEL_JSON_BYTES / 1024 / 1024}MB`);
  return JSON.parse(stripBom(await fs.readFile(path, 'utf8'))) as unknown;
}

/** Writes JSON like Python's json.dump(ensure_ascii=False, indent=n): UTF-8, non-ASCII kept, atomic. */
export async function writeModelJson(path: string, value: unknown, indent: 2 | 4): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, indent));
}
