import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpConfigSource } from './mcp-config.loader';
import { parseMcpConfig } from './mcp-config.parser';
import { MCP_CONFIG_LIMITS } from './mcp-config.types';

describe('parseMcpConfig', () => {
  it('reads stdio and HTTP entries in the mcpServers format', () => {
    const config = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['-y', 'server-files'], env: { ROOT: '/tmp' }, cwd: '/srv' },
          remote: { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' } },
          legacy: { url: 'http://localhost:3282/sse', type: 'sse' },
          strict: { url: 'http://localhost:3282/mcp', type: 'streamable-http' },
        },
      }),
    );
    expect(config.invalid).toEqual([]);
    expect(config.servers).toEqual([
      { kind: 'stdio', name: 'files', command: 'npx', args: ['-y', 'server-files'], env: { ROOT: '/tmp' }, cwd: '/srv' },
      { kind: 'http', name: 'remote', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' }, transport: 'auto' },
      { kind: 'http', name: 'legacy', url: 'http://localhost:3282/sse', headers: {}, transport: 'sse' },
      { kind: 'http', name: 'strict', url: 'http://localhost:3282/mcp', headers: {}, transport: 'streamable-http' },
    ]);
  });

  it('rejects bad entries one by one with clear messages and keeps the good ones', () => {
    const config = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          ok: { command: 'node' },
          neither: { args: [] },
          badArgs: { command: 'node', args: 'x' },
          badUrl: { url: 'ftp://example.com' },
          extra: { command: 'node', shell: true },
          'bad name': { command: 'node' },
          notObject: 'node',
        },
      }),
    );
    expect(config.servers.map((s) => s.name)).toEqual(['ok']);
    const errors = Object.fromEntries(config.invalid.map((i) => [i.name, i.error]));
    expect(errors.neither).toBe('server entry needs either "command" (stdio) or "url" (HTTP)');
    expect(errors.badArgs).toMatch(/^args: /);
    expect(errors.badUrl).toMatch(/^url: /);
    expect(errors.extra).toMatch(/shell/);
    expect(errors['bad name']).toMatch(/server name must be/);
    expect(errors.notObject).toBe('server entry must be an object');
  });

  it('reports unusable files as a whole', () => {
    expect(parseMcpConfig('not json').fileError).toMatch(/not valid JSON/);
    expect(parseMcpConfig('[]').fileError).toMatch(/must be a JSON object/);
    expect(parseMcpConfig('{"mcpServers": []}').fileError).toMatch(/"mcpServers" must be an object/);
    expect(parseMcpConfig('{}')).toEqual({ present: true, servers: [], invalid: [] });
    const many = Object.fromEntries(Array.from({ length: MCP_CONFIG_LIMITS.maxServers + 1 }, (_, i) => [`s${i}`, { command: 'x' }]));
    expect(parseMcpConfig(JSON.stringify({ mcpServers: many })).fileError).toMatch(/at most 32/);
  });
});

describe('McpConfigSource', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'neko-mcp-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('treats a missing file as no servers and re-reads the file when it changes', async () => {
    const source = new McpConfigSource(root);
    await expect(source.load()).resolves.toEqual({ present: false, servers: [], invalid: [] });
    const file = join(root, 'mcp.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { a: { command: 'node' } } }));
    expect((await source.load()).servers.map((s) => s.name)).toEqual(['a']);
    writeFileSync(file, JSON.stringify({ mcpServers: { b: { command: 'node' } } }));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await source.load()).servers.map((s) => s.name)).toEqual(['b']);
  });

  it('refuses oversized files', async () => {
    writeFileSync(join(root, 'mcp.json'), ' '.repeat(MCP_CONFIG_LIMITS.maxBytes + 1));
    const config = await new McpConfigSource(root).load();
    expect(config.fileError).toMatch(/the limit is 262144/);
    expect(config.servers).toEqual([]);
  });
});
