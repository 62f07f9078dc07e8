import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MCP_CONFIG_LIMITS, type McpConfig } from './mcp-config.types';

/** Reads `<data root>/mcp.json`, re-reading it only when its mtime or size changed. */
export class McpConfigSource {
  readonly path: string;
  private cached: { key: string; config: McpConfig } | undefined;

  constructor(dataRoot: string) {
    this.path = join(dataRoot, 'mcp.json');
  }

  async load(): Promise<McpConfig> {
    let key: string;
    let size: number;
    try {
      const s = await stat(this.path);
      key = `${s.mtimeMs}:${s.size}`;
      size = s.size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { present: false, servers: [], invalid: [] };
      return { present: true, servers: [], invalid: [], fileError: `cannot read mcp.json: ${(err as Error).message}` };
    }
    if (this.cached?.key === key) return this.cached.config;
    let config: McpConfig;
    if (size > MCP_CONFIG_LIMITS.maxBytes) {
      config = { present: true, servers: [], invalid: [], fileError: `mcp.json is ${size} bytes; the limit is ${MCP_CONFIG_LIMITS.maxBytes}` };
    } else {
      try {
        // zod is loaded only when there is a file to check.
        const { parseMcpConfig } = await import('./mcp-config.parser');
        config = parseMcpConfig(await readFile(this.path, 'utf8'));
      } catch (err) {
        config = { present: true, servers: [], invalid: [], fileError: `cannot read mcp.json: ${(err as Error).message}` };
      }
    }
    this.cached = { key, config };
    return config;
  }
}
