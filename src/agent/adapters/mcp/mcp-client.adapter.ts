import type { OnModuleDestroy } from '@nestjs/common';
import { clampTimeoutMs } from '../../../shared/llm/chat-completion.port';
import { untilAborted } from '../../llm/abort.util';
import {
  boundText,
  CHANNEL_REASON,
  RESULT_LIMITS,
  type AgentChannelAdapter,
  type ChannelAction,
  type ChannelDescription,
  type ChannelExecuteOptions,
  type ChannelProblem,
  type ChannelReadiness,
  type ChannelRequest,
  type ChannelResult,
} from '../agent-channel.port';
import { progressReporter } from '../channel-progress.util';
import { McpConfigSource } from './mcp-config.loader';
import type { McpConfig, McpServerConfig } from './mcp-config.types';
import { McpConnectionPool } from './mcp-connection.pool';

export interface McpAdapterOptions {
  callTimeoutMs: number;
  connectTimeoutMs: number;
  toolCacheMs: number;
  retryCooldownMs: number;
  maxToolsPerServer: number;
  maxDescriptionChars: number;
  maxArgsBytes: number;
}

export const MCP_ADAPTER_DEFAULTS: McpAdapterOptions = {
  callTimeoutMs: 60_000,
  connectTimeoutMs: 15_000,
  toolCacheMs: 30_000,
  retryCooldownMs: 10_000,
  maxToolsPerServer: 128,
  maxDescriptionChars: 1000,
  maxArgsBytes: 64 * 1024,
};

const MAX_TOOL_PAGES = 8;
/** Longest wait of one tool call (connect included), whatever the request asks. */
const MAX_CALL_MS = 30 * 60_000;
/** Progress messages come from the server: bounded. */
const PROGRESS_CHARS = 300;
/** JSON-RPC codes of the SDK's ErrorCode (not imported: the SDK loads only with the first server). */
const REQUEST_TIMEOUT = -32001;
const CONNECTION_CLOSED = -32000;
/** The SDK's McpError, recognised by shape. */
function mcpErrorCode(err: unknown): number | undefined {
  const code: unknown = err instanceof Error && err.name === 'McpError' ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * MCP channel: the servers of `<data root>/mcp.json` (stdio, streamable HTTP, SSE), connected lazily.
 * Tools are named `server/tool`. Readiness codes: AGENT_ENDPOINT_NOT_CONFIGURED (no file or no entry),
 * AGENT_MCP_CONFIG_INVALID (file or every entry invalid), AGENT_MCP_UNREACHABLE (no server offers a tool).
 */
export class McpClientAdapter implements AgentChannelAdapter, OnModuleDestroy {
  readonly channel = 'mcp' as const;
  private readonly options: McpAdapterOptions;
  private readonly source: McpConfigSource;
  private readonly pool: McpConnectionPool;
  private readonly toolCache = new Map<string, { at: number; fingerprint: string; tools: ChannelAction[] }>();

  constructor(dataRoot: string, options: Partial<McpAdapterOptions> = {}) {
    this.options = { ...MCP_ADAPTER_DEFAULTS, ...options };
    this.source = new McpConfigSource(dataRoot);
    this.pool = new McpConnectionPool({
      connectTimeoutMs: this.options.connectTimeoutMs,
      retryCooldownMs: this.options.retryCooldownMs,
      stderrTailChars: 400,
    });
  }

  async readiness(): Promise<ChannelReadiness> {
    const config = await this.source.load();
    if (config.fileError || (config.servers.length === 0 && config.invalid.length > 0)) {
      return { ready: false, reason: CHANNEL_REASON.mcpConfigInvalid };
    }
    if (config.servers.length === 0) return { ready: false, reason: CHANNEL_REASON.endpointNotConfigured };
    const { actions } = await this.describe();
    return actions.length > 0 ? { ready: true, reason: CHANNEL_REASON.ready } : { ready: false, reason: CHANNEL_REASON.mcpUnreachable };
  }

  async describe(): Promise<ChannelDescription> {
    const config = await this.loadAndPrune();
    const problems: ChannelProblem[] = config.invalid.map((i) => ({ source: i.name, error: `invalid entry: ${i.error}` }));
    if (config.fileError) problems.push({ source: 'mcp.json', error: config.fileError });
    const lists = await Promise.all(
      config.servers.map(async (server) => {
        try {
          return await this.toolsOf(server);
        } catch (err) {
          problems.push({ source: server.name, error: (err as Error).message });
          return [];
        }
      }),
    );
    return { channel: this.channel, actions: lists.flat(), problems };
  }

  async execute(request: ChannelRequest, options: ChannelExecuteOptions = {}): Promise<ChannelResult> {
    const action = request.action ?? '';
    const slash = action.indexOf('/');
    if (slash <= 0 || slash === action.length - 1) return failure(action, `action must be "server/tool", got "${boundText(action, 100)}"`);
    const serverName = action.slice(0, slash);
    const toolName = action.slice(slash + 1);
    const args = request.args ?? {};
    if (typeof args !== 'object' || Array.isArray(args)) return failure(action, 'arguments must be a JSON object');
    const argsSize = Buffer.byteLength(JSON.stringify(args), 'utf8');
    if (argsSize > this.options.maxArgsBytes) return failure(action, `arguments are ${argsSize} bytes; the limit is ${this.options.maxArgsBytes}`);
    if (options.signal?.aborted) return failure(action, 'cancelled');

    const config = await this.loadAndPrune();
    const server = config.servers.find((s) => s.name === serverName);
    if (!server) return failure(action, `no MCP server named "${boundText(serverName, 64)}" in mcp.json`);
    // One deadline covers connecting and the call; a cancel ends the wait for either at once.
    const timeout = clampTimeoutMs(request.timeoutMs, this.options.callTimeoutMs, MAX_CALL_MS);
    const deadline = Date.now() + timeout;
    const run = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      run.abort();
    }, timeout);
    const onAbort = () => run.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const report = progressReporter(options.onProgress, PROGRESS_CHARS);
    try {
      report({ stage: 'connecting', message: serverName });
      // The pool keeps connecting in the background for later calls; this call stops waiting.
      const connection = await untilAborted(this.pool.get(server), run.signal);
      if (run.signal.aborted) throw new Error('aborted');
      report({ stage: 'calling', message: action });
      const left = Math.max(1, deadline - Date.now());
      const result = await connection.client.callTool({ name: toolName, arguments: args }, undefined, {
        signal: run.signal,
        timeout: left,
        maxTotalTimeout: left,
        onprogress: (p) =>
          report({
            stage: 'progress',
            message: typeof p.message === 'string' ? p.message : undefined,
            progress: p.total ? Math.min(1, Math.max(0, p.progress / p.total)) : undefined,
          }),
      });
      const text = renderToolContent(result);
      if (result.isError === true) return failure(action, text || 'the tool reported an error', text);
      const head = text.split('\n', 1)[0] ?? '';
      return {
        success: true,
        summary: boundText(head ? `MCP tool ${action} succeeded: ${head}` : `MCP tool ${action} succeeded`, RESULT_LIMITS.summary),
        detail: boundText(text, RESULT_LIMITS.detail),
      };
    } catch (err) {
      if (options.signal?.aborted && !timedOut) return failure(action, 'cancelled');
      const code = mcpErrorCode(err);
      if (timedOut || code === REQUEST_TIMEOUT) return failure(action, `timed out after ${timeout} ms`);
      if (code === undefined || code === CONNECTION_CLOSED) await this.pool.invalidate(serverName);
      return failure(action, (err as Error).message);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes every MCP connection and child process. */
  async onModuleDestroy(): Promise<void> {
    this.toolCache.clear();
    await this.pool.closeAll();
  }

  private async loadAndPrune(): Promise<McpConfig> {
    const config = await this.source.load();
    const names = new Set(config.servers.map((s) => s.name));
    for (const name of this.toolCache.keys()) if (!names.has(name)) this.toolCache.delete(name);
    await this.pool.prune(names);
    return config;
  }

  private async toolsOf(server: McpServerConfig): Promise<ChannelAction[]> {
    const fingerprint = JSON.stringify(server);
    const cached = this.toolCache.get(server.name);
    if (cached && cached.fingerprint === fingerprint && Date.now() - cached.at < this.options.toolCacheMs) return cached.tools;
    const { client } = await this.pool.get(server);
    const tools: ChannelAction[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_TOOL_PAGES && tools.length < this.options.maxToolsPerServer; page++) {
        const res = await client.listTools(cursor ? { cursor } : {}, { timeout: this.options.connectTimeoutMs });
        for (const tool of res.tools.slice(0, this.options.maxToolsPerServer - tools.length)) {
          tools.push({
            name: `${server.name}/${tool.name}`,
            description: boundText(tool.description ?? tool.title ?? '', this.options.maxDescriptionChars),
            inputSchema: tool.inputSchema,
          });
        }
        cursor = res.nextCursor;
        if (!cursor) break;
      }
    } catch (err) {
      const error = `server "${server.name}" could not list its tools: ${(err as Error).message}`;
      // Recorded as a failure: the cool-down applies instead of a restart on every describe.
      await this.pool.invalidate(server.name, error);
      throw new Error(error, { cause: err });
    }
    this.toolCache.set(server.name, { at: Date.now(), fingerprint, tools });
    return tools;
  }
}

function failure(action: string, error: string, detail = ''): ChannelResult {
  const name = action || '(none)';
  return {
    success: false,
    summary: boundText(`MCP tool ${name} failed: ${error}`, RESULT_LIMITS.summary),
    detail: boundText(detail, RESULT_LIMITS.detail),
    error: boundText(error, RESULT_LIMITS.error),
  };
}

/** Upper bound of the text kept from one tool result before the port's own limits apply. */
export const MAX_RENDERED_CHARS = 16_000;

interface ContentLike {
  type?: unknown;
  text?: unknown;
  uri?: unknown;
  mimeType?: unknown;
  resource?: { uri?: unknown; text?: unknown };
}

/** Flattens an MCP `tools/call` result to plain text: text parts joined by newlines, other parts as short markers. */
export function renderToolContent(result: { content?: unknown; structuredContent?: unknown; toolResult?: unknown }): string {
  const parts: string[] = [];
  const content = Array.isArray(result.content) ? (result.content as ContentLike[]) : [];
  for (const item of content.slice(0, 200)) {
    if (typeof item !== 'object' || item === null) continue;
    if (item.type === 'text' && typeof item.text === 'string') parts.push(item.text);
    else if (item.type === 'resource' && item.resource) {
      parts.push(typeof item.resource.text === 'string' ? item.resource.text : `[resource ${String(item.resource.uri)}]`);
    } else if (item.type === 'resource_link') parts.push(`[resource ${String(item.uri)}]`);
    else parts.push(`[${String(item.type)}${typeof item.mimeType === 'string' ? ` ${item.mimeType}` : ''}]`);
    if (parts.reduce((n, p) => n + p.length, 0) > MAX_RENDERED_CHARS) break;
  }
  if (parts.length === 0) {
    const structured = result.structuredContent ?? result.toolResult;
    if (structured !== undefined) parts.push(safeJson(structured));
  }
  return parts.join('\n').trim().slice(0, MAX_RENDERED_CHARS);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserialisable result]';
  }
}
