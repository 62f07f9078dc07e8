import type { DataFolder } from '../data/data-folder';
import type { RuntimeEnv } from './env.schema';

/** Validated environment of this process (ports, host, ZeroMQ settings). */
export const RUNTIME_ENV = Symbol('RUNTIME_ENV');
/** Paths of the data folder in use. */
export const DATA_FOLDER = Symbol('DATA_FOLDER');

/** Everything bootstrap resolved before Nest starts; handed to the entry module. */
export interface BootContext {
  readonly processName: 'main' | 'memory' | 'agent';
  readonly env: RuntimeEnv;
  readonly dataFolder: DataFolder;
  readonly instanceId: string;
}
