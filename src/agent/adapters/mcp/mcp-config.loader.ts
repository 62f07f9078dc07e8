import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Bounds of `<data root>/mcp.json`. */
export const MCP_CONFIG_LIMITS = { maxBytes: 256 * 1024, maxServers: 32, maxNameLength: 64 } as const;

export interface McpStdioServerConfig {
  kind: 'stdio';
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface McpHttpServerConfig {
  kind: 'http';
  name: string;
  url: string;
  headers: Record<string, string>;
  /** `auto` = streamable HTTP first, then SSE. */
  transport: 'auto' | 'streamable-http' | 'sse';
}

export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

export interface McpConfig {
  /** False when the file does not exist. */
  present: boolean;
  servers: McpServerConfig[];
  /** Entries that were rejected, one clear message each; the valid ones still work. */
  invalid: { name: string; error: string }[];
  /** Set when the file as a whole is unusable (too big, not JSON, no `mcpServers` object). */
  fileError?: string;
}

const stringMap = z.record(z.string().max(4096), z.string().max(8192));
const stdioEntry = z.strictObject({
  command: z.string().min(1).max(4096),
  args: z.array(z.string().max(8192)).max(256).optional(),
  env: stringMap.optional(),
  cwd: z.string().min(1).max(4096).optional(),
  type: z.literal('stdio').optional(),
});
const httpEntry = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(4096),
  headers: stringMap.optional(),
  type: z.enum(['streamable-http', 'http', 'sse']).optional(),
});
const NAME = /^[A-Za-z0-9_.-]+$/;

/** Parses the text of an mcp.json (`{"mcpServers": {...}}`). Never throws. */
export function parseMcpConfig(text: string): McpConfig {
  const result: McpConfig = { present: true, servers: [], invalid: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ...result, fileError: `mcp.json is not valid JSON: ${(err as Error).message}` };
  }
  const root = json as { mcpServers?: unknown } | null;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    return { ...result, fileError: 'mcp.json must be a JSON object with an "mcpServers" object' };
  }
  const servers = root.mcpServers ?? {};
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    return { ...result, fileError: '"mcpServers" must be an object mapping names to server entries' };
  }
  const entries = Object.entries(servers as Record<string, unknown>);
  if (entries.length > MCP_CONFIG_LIMITS.maxServers) {
    return { ...result, fileError: `mcp.json lists ${entries.length} servers; at most ${MCP_CONFIG_LIMITS.maxServers} are allowed` };
  }
  for (const [name, entry] of entries) {
    const parsed = parseEntry(name, entry);
    if (typeof parsed === 'string') result.invalid.push({ name: name.slice(0, MCP_CONFIG_LIMITS.maxNameLength), error: parsed });
    else result.servers.push(parsed);
  }
  return result;
}

function parseEntry(name: string, entry: unknown): McpServerConfig | string {
  if (name.length > MCP_CONFIG_LIMITS.maxNameLength || !NAME.test(name)) {
    return `server name must be 1-${MCP_CONFIG_LIMITS.maxNameLength} characters of letters, digits, "_", "-" or "."`;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'server entry must be an object';
  const isUrl = 'url' in entry;
  if (!isUrl && !('command' in entry)) return 'server entry needs either "command" (stdio) or "url" (HTTP)';
  if (isUrl) {
    const r = httpEntry.safeParse(entry);
    if (!r.success) return describeIssues(r.error);
    const t = r.data.type;
    const transport = t === 'sse' ? 'sse' : t === undefined ? 'auto' : 'streamable-http';
    return { kind: 'http', name, url: r.data.url, headers: r.data.headers ?? {}, transport };
  }
  const r = stdioEntry.safeParse(entry);
  if (!r.success) return describeIssues(r.error);
  return { kind: 'stdio', name, command: r.data.command, args: r.data.args ?? [], env: r.data.env ?? {}, cwd: r.data.cwd };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'entry'}: ${i.message}`)
    .join('; ');
}

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
        config = parseMcpConfig(await readFile(this.path, 'utf8'));
      } catch (err) {
        config = { present: true, servers: [], invalid: [], fileError: `cannot read mcp.json: ${(err as Error).message}` };
      }
    }
    this.cached = { key, config };
    return config;
  }
}
