import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { buildSync } from 'esbuild';
import { z } from 'zod';
import { McpClientAdapter } from '../../src/agent/adapters/mcp/mcp-client.adapter';

/** Bundles test/support/mcp-test-server.ts so it runs as plain `node <file>`. */
function buildTestServer(dir: string): string {
  const outfile = join(dir, 'mcp-test-server.cjs');
  buildSync({
    entryPoints: [join(__dirname, '../support/mcp-test-server.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Pids of live processes whose command line mentions `needle`. */
function processesRunning(needle: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(needle) && !line.includes('ps -eo'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

function echoServer(): McpServer {
  const server = new McpServer({ name: 'neko-http-test', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes', inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: 'text', text: `echo: ${text}` }],
  }));
  return server;
}

/** In-process HTTP MCP server: stateless streamable HTTP on /mcp, legacy SSE on /sse + /messages. */
async function startHttpMcp(): Promise<{ base: string; http: Server; close: () => Promise<void> }> {
  const sse = new Map<string, SSEServerTransport>();
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const run = async () => {
      if (url.pathname === '/mcp' && req.method === 'POST') {
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        await echoServer().connect(transport);
        await transport.handleRequest(req, res);
      } else if (url.pathname === '/sse' && req.method === 'GET') {
        const transport = new SSEServerTransport('/messages', res);
        sse.set(transport.sessionId, transport);
        await echoServer().connect(transport);
      } else if (url.pathname === '/messages' && req.method === 'POST') {
        const transport = sse.get(url.searchParams.get('sessionId') ?? '');
        if (transport) await transport.handlePostMessage(req, res);
        else res.writeHead(404).end();
      } else {
        res.writeHead(url.pathname === '/mcp' ? 405 : 404).end();
      }
    };
    run().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const close = async () => {
    await Promise.all([...sse.values()].map((t) => t.close()));
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return { base: `http://127.0.0.1:${port}`, http, close };
}

/** An HTTP endpoint that never answers (/hang) and an MCP server without tools (/notools), counting its `initialize` requests. */
async function startAwkwardMcp(): Promise<{ base: string; initializes: () => number; close: () => Promise<void> }> {
  let initializes = 0;
  const http = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const run = async () => {
        if (req.method !== 'POST') return void res.writeHead(405).end();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as { method?: string } | null;
        if (body?.method === 'initialize') initializes++;
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        await new McpServer({ name: 'neko-no-tools', version: '1.0.0' }).connect(transport);
        await transport.handleRequest(req, res, body);
      };
      run().catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const close = async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return { base: `http://127.0.0.1:${port}`, initializes: () => initializes, close };
}

describe('MCP channel adapter (real MCP servers from mcp.json)', () => {
  let work: string;
  let serverJs: string;
  let dataRoot: string;
  let adapter: McpClientAdapter | undefined;

  const writeConfig = (servers: Record<string, unknown>) =>
    writeFileSync(join(dataRoot, 'mcp.json'), JSON.stringify({ mcpServers: servers }, null, 2));
  const notesServer = () => ({ command: process.execPath, args: [serverJs] });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'neko-mcp-int-'));
    serverJs = buildTestServer(work);
  });
  beforeEach(() => {
    dataRoot = mkdtempSync(join(work, 'data-'));
  });
  afterEach(async () => {
    await adapter?.onModuleDestroy();
    adapter = undefined;
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('reports AGENT_ENDPOINT_NOT_CONFIGURED without mcp.json and AGENT_MCP_CONFIG_INVALID for a broken file', async () => {
    adapter = new McpClientAdapter(dataRoot);
    await expect(adapter.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_ENDPOINT_NOT_CONFIGURED' });
    writeFileSync(join(dataRoot, 'mcp.json'), '{"mcpServers": ');
    await expect(adapter.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_MCP_CONFIG_INVALID' });
    const description = await adapter.describe();
    expect(description.problems[0]?.error).toMatch(/not valid JSON/);
  });

  it('is ready, lists the tools and runs clock / notes / fail with bounded results', async () => {
    writeConfig({ notes: notesServer() });
    adapter = new McpClientAdapter(dataRoot);
    await expect(adapter.readiness()).resolves.toEqual({ ready: true, reason: '' });

    const { actions, problems } = await adapter.describe();
    expect(problems).toEqual([]);
    expect(actions.map((a) => a.name).sort()).toEqual(['notes/clock', 'notes/fail', 'notes/notes_add', 'notes/notes_list', 'notes/sleep']);
    const add = actions.find((a) => a.name === 'notes/notes_add');
    expect(add?.description).toBe('Adds a note');
    expect(add?.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } } });

    const before = Date.now();
    const clock = await adapter.execute({ action: 'notes/clock' });
    expect(clock.success).toBe(true);
    const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/.exec(clock.detail)?.[0];
    expect(iso).toBeDefined();
    expect(Math.abs(Date.parse(iso ?? '') - before)).toBeLessThan(60_000);
    expect(clock.summary).toContain(iso);

    const stages: string[] = [];
    const added = await adapter.execute(
      { action: 'notes/notes_add', args: { text: 'buy cat food' } },
      { onProgress: (p) => stages.push(p.stage) },
    );
    expect(added).toMatchObject({ success: true, detail: 'added note 1: buy cat food' });
    expect(stages).toEqual(['connecting', 'calling']);
    await adapter.execute({ action: 'notes/notes_add', args: { text: 'x'.repeat(1000) } });
    const listed = await adapter.execute({ action: 'notes/notes_list' });
    expect(listed.success).toBe(true);
    expect(listed.detail.startsWith('1. buy cat food\n2. xxx')).toBe(true);
    expect(listed.detail.length).toBeLessThanOrEqual(1500);
    expect(listed.summary.length).toBeLessThanOrEqual(500);

    const failed = await adapter.execute({ action: 'notes/fail' });
    expect(failed).toMatchObject({ success: false, error: 'this tool always fails' });
    const invalidArgs = await adapter.execute({ action: 'notes/notes_add', args: { text: 42 } });
    expect(invalidArgs.success).toBe(false);
    const unknown = await adapter.execute({ action: 'nowhere/clock' });
    expect(unknown).toMatchObject({ success: false, error: 'no MCP server named "nowhere" in mcp.json' });
  });

  it('reports bad and crashing servers without breaking the good one', async () => {
    writeConfig({
      good: notesServer(),
      typo: { command: 42 },
      crashy: { command: process.execPath, args: [serverJs, '--crash'] },
      missing: { command: join(work, 'no-such-binary') },
    });
    adapter = new McpClientAdapter(dataRoot, { connectTimeoutMs: 5000 });
    await expect(adapter.readiness()).resolves.toEqual({ ready: true, reason: '' });
    const { actions, problems } = await adapter.describe();
    expect(actions.every((a) => a.name.startsWith('good/'))).toBe(true);
    expect(actions).toHaveLength(5);
    const bySource = new Map(problems.map((p) => [p.source, p.error]));
    expect(bySource.get('typo')).toMatch(/^invalid entry: command:/);
    expect(bySource.get('crashy')).toMatch(/server "crashy" failed to start: .*crashing on purpose/);
    expect(bySource.get('missing')).toMatch(/server "missing" failed to start/);
    expect(bySource.size).toBe(3);
    const crashyCall = await adapter.execute({ action: 'crashy/clock' });
    expect(crashyCall.success).toBe(false);
    expect(crashyCall.error).toMatch(/failed to start/);
    await expect(adapter.execute({ action: 'good/clock' })).resolves.toMatchObject({ success: true });
  });

  it('fails a call past its timeout, honours cancellation and stays usable', async () => {
    writeConfig({ notes: notesServer() });
    adapter = new McpClientAdapter(dataRoot);
    const started = Date.now();
    const slow = await adapter.execute({ action: 'notes/sleep', args: { ms: 5000 }, timeoutMs: 300 });
    expect(slow).toMatchObject({ success: false, error: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(4000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const cancelled = await adapter.execute({ action: 'notes/sleep', args: { ms: 5000 } }, { signal: controller.signal });
    expect(cancelled).toMatchObject({ success: false, error: 'cancelled' });

    await expect(adapter.execute({ action: 'notes/sleep', args: { ms: 10 } })).resolves.toMatchObject({ success: true, detail: 'slept 10 ms' });
  });

  it('picks up mcp.json changes and closes removed servers', async () => {
    writeConfig({ one: notesServer() });
    adapter = new McpClientAdapter(dataRoot);
    expect((await adapter.describe()).actions.map((a) => a.name)).toContain('one/clock');
    expect(processesRunning(serverJs)).toHaveLength(1);
    writeConfig({ two: notesServer(), three: notesServer() });
    const names = (await adapter.describe()).actions.map((a) => a.name);
    expect(names).toContain('two/clock');
    expect(names).toContain('three/clock');
    expect(names).not.toContain('one/clock');
    expect(processesRunning(serverJs)).toHaveLength(2);
  });

  it('leaves no child process after module destroy', async () => {
    writeConfig({ a: notesServer(), b: notesServer() });
    adapter = new McpClientAdapter(dataRoot);
    await adapter.execute({ action: 'a/clock' });
    await adapter.execute({ action: 'b/clock' });
    expect(processesRunning(serverJs)).toHaveLength(2);
    await adapter.onModuleDestroy();
    expect(processesRunning(serverJs)).toEqual([]);
    const after = await adapter.execute({ action: 'a/clock' });
    expect(after).toMatchObject({ success: false, error: 'MCP client is shut down' });
  }, 30_000); // two MCP server processes start

  it('talks to streamable HTTP servers and falls back to SSE for legacy URLs', async () => {
    const remote = await startHttpMcp();
    try {
      writeConfig({
        modern: { url: `${remote.base}/mcp` },
        legacy: { url: `${remote.base}/sse` },
        forcedSse: { url: `${remote.base}/sse`, type: 'sse' },
        wrong: { url: `${remote.base}/nothing`, type: 'streamable-http' },
      });
      adapter = new McpClientAdapter(dataRoot, { connectTimeoutMs: 3000 });
      const { actions, problems } = await adapter.describe();
      expect(actions.map((a) => a.name).sort()).toEqual(['forcedSse/echo', 'legacy/echo', 'modern/echo']);
      expect(problems.map((p) => p.source)).toEqual(['wrong']);
      for (const name of ['modern', 'legacy', 'forcedSse']) {
        await expect(adapter.execute({ action: `${name}/echo`, args: { text: name } })).resolves.toMatchObject({
          success: true,
          detail: `echo: ${name}`,
        });
      }
      await adapter.onModuleDestroy();
    } finally {
      await remote.close();
    }
  });

  it('keeps a server whose tool listing fails in its cool-down instead of restarting it on every describe', async () => {
    const remote = await startAwkwardMcp();
    try {
      writeConfig({ empty: { url: `${remote.base}/notools`, type: 'streamable-http' } });
      adapter = new McpClientAdapter(dataRoot, { retryCooldownMs: 60_000, connectTimeoutMs: 3000 });
      const first = await adapter.describe();
      expect(first.problems).toEqual([{ source: 'empty', error: expect.stringContaining('server "empty" could not list its tools') as string }]);
      const second = await adapter.describe();
      expect(second.problems[0]?.error).toContain('could not list its tools');
      await expect(adapter.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_MCP_UNREACHABLE' });
      expect(remote.initializes()).toBe(1);
      await adapter.onModuleDestroy();
    } finally {
      await remote.close();
    }
  });

  it('bounds the connect step by the call deadline and stops waiting for it on cancel', async () => {
    const remote = await startAwkwardMcp();
    try {
      writeConfig({ stuck: { url: `${remote.base}/hang`, type: 'streamable-http' } });
      adapter = new McpClientAdapter(dataRoot, { connectTimeoutMs: 20_000 });
      await expect(adapter.execute({ action: 'stuck/anything', timeoutMs: 300 })).resolves.toMatchObject({ success: false, error: 'timed out after 300 ms' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 150);
      const started = Date.now();
      const cancelled = await adapter.execute({ action: 'stuck/anything', timeoutMs: Number.NaN }, { signal: controller.signal });
      expect(cancelled).toMatchObject({ success: false, error: 'cancelled' });
      expect(Date.now() - started).toBeLessThan(10_000); // the connect alone would wait 20 s
    } finally {
      await remote.close(); // the background connect then fails at once
    }
  });
});
