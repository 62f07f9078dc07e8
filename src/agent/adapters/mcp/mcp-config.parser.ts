import { z } from 'zod';
import { MCP_CONFIG_LIMITS, type McpConfig, type McpServerConfig } from './mcp-config.types';

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
