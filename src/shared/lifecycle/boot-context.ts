import { randomBytes } from 'node:crypto';
import type { BootContext } from '../config/config.tokens';
import { parseRuntimeEnv, type RuntimeEnv } from '../config/env.schema';
import { defaultCharactersFile } from '../config/default-character.const';
import { defaultCoreConfigFile } from '../config/core-config.types';
import { dataFolderAt, ensureDataFolder, resolveDataRoot } from '../data/data-folder';

/**
 * Everything a process needs before Nest starts: validated environment (throws ConfigError) and
 * the data folder, created with N.E.K.O.'s defaults on first start. Existing files are never touched.
 */
export async function createBootContext(
  processName: BootContext['processName'],
  env: NodeJS.ProcessEnv = process.env,
  runtime: RuntimeEnv = parseRuntimeEnv(env),
): Promise<BootContext & { created: string[] }> {
  const dataFolder = dataFolderAt(resolveDataRoot(runtime.dataDir, env));
  const created = await ensureDataFolder(dataFolder, {
    'characters.json': defaultCharactersFile(),
    'core_config.json': defaultCoreConfigFile(),
    'user_preferences.json': [],
  });
  return { processName, env: runtime, dataFolder, instanceId: runtime.instanceId ?? randomBytes(8).toString('hex'), created };
}
