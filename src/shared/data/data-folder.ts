import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createFileExclusive, removeStaleTempFiles } from './atomic-file';
import { serializeJson } from './json-edit';

export const APP_NAME = 'N.E.K.O';

/** Paths of the N.E.K.O. data folder (spec main-server.md §9.1). */
export interface DataFolder {
  readonly root: string;
  readonly configDir: string;
  readonly memoryDir: string;
  readonly live2dDir: string;
  readonly vrmDir: string;
  readonly workshopDir: string;
  readonly logsDir: string;
  configFile(name: ConfigFileName): string;
}

export type ConfigFileName =
  | 'characters.json'
  | 'core_config.json'
  | 'user_preferences.json'
  | 'voice_storage.json'
  | 'workshop_config.json';

function isWritableDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, '.test_neko_write');
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return true;
  } catch {
    return false;
  }
}

/** Documents folder candidates in N.E.K.O.'s order for this platform. */
function documentsCandidates(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return [env.USERPROFILE ? join(env.USERPROFILE, 'Documents') : '', join(home, 'Documents'), join(home, '文档'), cwd];
    case 'darwin':
      return [join(home, 'Documents'), cwd];
    default:
      return [env.XDG_DOCUMENTS_DIR ?? '', join(home, 'Documents'), cwd];
  }
}

/** NEKO_DATA_DIR wins; otherwise `<first writable Documents candidate>/N.E.K.O`. */
export function resolveDataRoot(explicit: string | undefined, env = process.env, cwd = process.cwd()): string {
  if (explicit) return explicit;
  for (const candidate of documentsCandidates(env, cwd)) {
    if (candidate && isWritableDir(candidate)) return join(candidate, APP_NAME);
  }
  return join(cwd, APP_NAME);
}

export function dataFolderAt(root: string): DataFolder {
  const configDir = join(root, 'config');
  return {
    root,
    configDir,
    memoryDir: join(root, 'memory'),
    live2dDir: join(root, 'live2d'),
    vrmDir: join(root, 'vrm'),
    workshopDir: join(root, 'workshop'),
    logsDir: join(root, 'logs'),
    configFile: (name) => join(configDir, name),
  };
}

/**
 * Creates the folders and the default config files that are missing; never overwrites anything.
 * Safe when the three processes do it at the same moment (exclusive create).
 */
export async function ensureDataFolder(folder: DataFolder, defaults: Partial<Record<ConfigFileName, unknown>>): Promise<string[]> {
  for (const dir of [folder.configDir, folder.memoryDir, folder.live2dDir, folder.vrmDir, folder.workshopDir]) {
    await fs.mkdir(dir, { recursive: true });
  }
  for (const dir of [folder.configDir, folder.memoryDir]) await removeStaleTempFiles(dir);
  const created: string[] = [];
  for (const [name, value] of Object.entries(defaults) as Array<[ConfigFileName, unknown]>) {
    if (await createFileExclusive(folder.configFile(name), serializeJson(value))) created.push(name);
  }
  return created;
}
