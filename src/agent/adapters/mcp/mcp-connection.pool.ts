import { readdirSync, readFileSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig } from './mcp-config.types';

export interface McpPoolOptions {
  /** Time allowed for spawning/connecting plus the `initialize` handshake. */
  connectTimeoutMs: number;
  /** After a failed connect, the server is not retried for this long. */
  retryCooldownMs: number;
  /** Kept tail of a stdio server's stderr, used in error messages. */
  stderrTailChars: number;
}

/** A live (or failed) connection to one configured server. */
export interface McpConnection {
  readonly config: McpServerConfig;
  readonly client: Client;
  readonly pid: number | null;
}

interface Slot {
  fingerprint: string;
  connecting?: Promise<McpConnection>;
  connection?: McpConnection;
  failure?: { error: string; at: number };
  stderrTail: string;
}

/**
 * Stopping a stdio server within the agent's 3 s shutdown budget: the SDK's close() ends stdin and waits 2 s
 * before SIGTERM and 2 s more before SIGKILL, so the pool signals on its own schedule. The SDK spawns without
 * `detached` (no process group to signal), so the server's descendants (e.g. the node process `npx` starts)
 * are found through /proc on Linux and signalled with it; elsewhere only the direct child is.
 */
const STDIO_STOP = { termAfterMs: 500, killAfterMs: 1_500 } as const;

/** Direct children of every pool still alive: SIGKILLed synchronously if the agent exits without closing them. */
const liveChildren = new Set<number>();
let exitHookInstalled = false;

/** Signals `pid` and its descendants (plus `known`, found earlier: a grandchild outlives its reparenting). */
function signalTree(pid: number, sig: NodeJS.Signals, known: readonly number[] = []): number[] {
  const tree = [...new Set([...known, ...descendants(pid)])];
  for (const p of [pid, ...tree]) {
    try {
      process.kill(p, sig);
    } catch {
      // already gone
    }
  }
  return tree;
}

/** Descendants of `pid` from /proc (Linux); [] elsewhere or when /proc cannot be read. */
function descendants(pid: number): number[] {
  if (process.platform !== 'linux') return [];
  const children = new Map<number, number[]>();
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(name));
        children.set(ppid, list);
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return [];
  }
  const out: number[] = [];
  for (let queue = [...(children.get(pid) ?? [])]; queue.length > 0; ) {
    const next = queue.shift() as number;
    out.push(next);
    queue = queue.concat(children.get(next) ?? []);
  }
  return out;
}

function trackChild(pid: number): void {
  liveChildren.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of liveChildren) signalTree(p, 'SIGKILL');
  });
}

/** Closes the client; a stdio server gets SIGTERM, then SIGKILL, if it has not exited after ending stdin. */
async function closeConnection(connection: McpConnection): Promise<void> {
  const closing = connection.client.close().catch(() => undefined);
  const { pid } = connection;
  const timers: NodeJS.Timeout[] = [];
  const at = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms).unref());
  if (pid !== null) {
    let tree: number[] = [];
    at(STDIO_STOP.termAfterMs, () => (tree = signalTree(pid, 'SIGTERM')));
    at(STDIO_STOP.killAfterMs, () => signalTree(pid, 'SIGKILL', tree));
  }
  await Promise.race([closing, new Promise<void>((resolve) => at(STDIO_STOP.killAfterMs + 200, resolve))]);
  for (const t of timers) clearTimeout(t);
  if (pid !== null) liveChildren.delete(pid);
}

/** Lazily opens one MCP client per configured server, reconnecting when a server's config changes. */
export class McpConnectionPool {
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  constructor(private readonly options: McpPoolOptions) {}

  /** Returns the connection of `config.name`, connecting if needed; throws a clear Error on failure. */
  async get(config: McpServerConfig): Promise<McpConnection> {
    if (this.closed) throw new Error('MCP client is shut down');
    const fingerprint = JSON.stringify(config);
    let slot = this.slots.get(config.name);
    if (slot && slot.fingerprint !== fingerprint) {
      await this.drop(config.name);
      slot = undefined;
    }
    if (!slot) {
      slot = { fingerprint, stderrTail: '' };
      this.slots.set(config.name, slot);
    }
    if (slot.connection) return slot.connection;
    if (slot.failure && Date.now() - slot.failure.at < this.options.retryCooldownMs) throw new Error(slot.failure.error);
    slot.connecting ??= this.open(config, slot).finally(() => {
      if (slot) slot.connecting = undefined;
    });
    return slot.connecting;
  }

  /**
   * Forgets a broken connection so the next `get` reconnects; with `failure` the server is treated
   * like one that failed to start (no reconnect before the cool-down ends).
   */
  async invalidate(name: string, failure?: string): Promise<void> {
    const slot = this.slots.get(name);
    if (failure === undefined || !slot) return this.drop(name);
    slot.failure = { error: failure.slice(0, 1000), at: Date.now() };
    const connection = slot.connection ?? (await slot.connecting?.catch(() => undefined));
    if (slot.connection === connection) slot.connection = undefined;
    if (connection) await closeConnection(connection);
  }

  /** Closes every server not in `keep` (servers removed from mcp.json). */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    await Promise.all([...this.slots.keys()].filter((n) => !keep.has(n)).map((n) => this.drop(n)));
  }

  /** Closes every connection and child process; the pool refuses new work afterwards. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.slots.keys()].map((n) => this.drop(n)));
  }

  private async open(config: McpServerConfig, slot: Slot): Promise<McpConnection> {
    try {
      const connection = await this.connectAny(config, slot);
      if (this.closed || this.slots.get(config.name) !== slot) {
        await closeConnection(connection);
        throw new Error('MCP client is shut down');
      }
      slot.connection = connection;
      slot.failure = undefined;
      connection.client.onclose = () => {
        if (slot.connection === connection) slot.connection = undefined;
        if (connection.pid !== null) liveChildren.delete(connection.pid);
      };
      return connection;
    } catch (err) {
      const tail = slot.stderrTail.trim();
      const error = `server "${config.name}" failed to start: ${(err as Error).message}${tail ? ` (stderr: ${tail})` : ''}`;
      slot.failure = { error: error.slice(0, 1000), at: Date.now() };
      throw new Error(slot.failure.error, { cause: err });
    }
  }

  private async connectAny(config: McpServerConfig, slot: Slot): Promise<McpConnection> {
    // The SDK (and zod under it, ~15 MiB) is loaded with the first server: most users have no mcp.json.
    if (config.kind === 'stdio') {
      const { getDefaultEnvironment, StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...getDefaultEnvironment(), ...config.env },
        cwd: config.cwd,
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (chunk: Buffer) => {
        slot.stderrTail = (slot.stderrTail + chunk.toString('utf8')).slice(-this.options.stderrTailChars);
      });
      const client = await this.connect(transport);
      if (transport.pid !== null) trackChild(transport.pid);
      return { config, client, pid: transport.pid };
    }
    const url = new URL(config.url);
    const requestInit = { headers: config.headers };
    if (config.transport !== 'sse') {
      const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
      try {
        const client = await this.connect(new StreamableHTTPClientTransport(url, { requestInit }));
        return { config, client, pid: null };
      } catch (err) {
        if (config.transport === 'streamable-http') throw err;
      }
    }
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
    const client = await this.connect(new SSEClientTransport(url, { requestInit }));
    return { config, client, pid: null };
  }

  private async connect(transport: Transport): Promise<Client> {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client({ name: 'neko-ts-agent', version: '0.1.0' });
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs });
      return client;
    } catch (err) {
      await client.close().catch(() => undefined);
      await transport.close().catch(() => undefined);
      throw err;
    }
  }

  private async drop(name: string): Promise<void> {
    const slot = this.slots.get(name);
    if (!slot) return;
    this.slots.delete(name);
    const connection = slot.connection ?? (await slot.connecting?.catch(() => undefined));
    slot.connection = undefined;
    if (connection) await closeConnection(connection);
  }
}
