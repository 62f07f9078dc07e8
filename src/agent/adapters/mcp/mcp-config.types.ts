/** The parsed `<data root>/mcp.json` (shared by the loader, the parser and the connection pool). */

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
