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

const fileLocks = new Map<string, Promise<unknown>>();

/**
 * Runs `task` (a read-modify-write of one model file) after the earlier tasks on the same path, so
 * two requests editing one model3.json (emotion manager and model_config, say) never drop each
 * other's change. In-process only; the other servers never write model files.
 */
export function withModelFileLock<T>(path: string, task: () => Promise<T>): Promise<T> {
  const run = (fileLocks.get(path) ?? Promise.resolve()).then(task);
  const tail = run.catch(() => undefined);
  fileLocks.set(path, tail);
  void tail.then(() => {
    if (fileLocks.get(path) === tail) fileLocks.delete(path);
  });
  return run;
}
