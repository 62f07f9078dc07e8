import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootContext } from '../../src/shared/config/config.tokens';
import { parseRuntimeEnv } from '../../src/shared/config/env.schema';
import { dataFolderAt } from '../../src/shared/data/data-folder';
import { freePorts } from './free-port';

/** Environment variables giving every server and ZeroMQ socket its own free port. */
export async function freePortEnv(): Promise<Record<string, string>> {
  const [main, memory, agent, pub, push, analyze] = await freePorts(6);
  return {
    NEKO_MAIN_SERVER_PORT: String(main),
    NEKO_MEMORY_SERVER_PORT: String(memory),
    NEKO_TOOL_SERVER_PORT: String(agent),
    NEKO_ZMQ_SESSION_PUB_PORT: String(pub),
    NEKO_ZMQ_AGENT_PUSH_PORT: String(push),
    NEKO_ZMQ_ANALYZE_PUSH_PORT: String(analyze),
  };
}

/** A BootContext on free ports with a fresh temporary data folder (for in-process Nest tests). */
export async function testBootContext(processName: BootContext['processName'], extraEnv: Record<string, string> = {}): Promise<BootContext> {
  const root = mkdtempSync(join(tmpdir(), 'neko-test-'));
  // In-process tests never rely on LINGER; 0 lets the Jest worker exit at once.
  const env = parseRuntimeEnv({ ...(await freePortEnv()), NEKO_DATA_DIR: root, NEKO_ZMQ_LINGER_MS: '0', ...extraEnv });
  return { processName, env, dataFolder: dataFolderAt(root), instanceId: 'test' };
}
