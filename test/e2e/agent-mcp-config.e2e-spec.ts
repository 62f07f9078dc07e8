import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { buildSync } from 'esbuild';
import { AgentAppModule } from '../../src/agent/agent-app.module';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { portsOf, startMainApp, type MainHarness } from '../support/main-app.harness';

/** The real agent app (HTTP side) in-process on the harness's agent port, over the same data folder. */
async function startAgent(h: MainHarness): Promise<NestFastifyApplication> {
  const ctx = await createBootContext('agent', { NEKO_DATA_DIR: h.root, NEKO_ZMQ_LINGER_MS: '0', ...portsOf(h.ctx) });
  const ref = await Test.createTestingModule({ imports: [AgentAppModule.register(ctx)] }).compile();
  const app = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  await app.listen({ port: h.ctx.env.ports.agent, host: '127.0.0.1' });
  return app;
}

jest.setTimeout(60_000);

describe('main /api/agent/mcp_servers (the agent page MCP editor)', () => {
  let h: MainHarness;
  const file = () => join(h.root, 'mcp.json');
  const put = (servers: unknown) => h.request('PUT', '/api/agent/mcp_servers', { json: { servers } });
  beforeEach(async () => {
    h = await startMainApp({ coreConfig: { coreApi: 'qwen', assistApi: 'qwen' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('saves the list atomically, keeps what it does not edit, and the agent finds the tools', async () => {
    const work = mkdtempSync(join(tmpdir(), 'neko-mcp-edit-'));
    const serverJs = join(work, 'mcp-test-server.cjs');
    buildSync({ entryPoints: [join(__dirname, '../support/mcp-test-server.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: serverJs, logLevel: 'silent' });
    expect(await h.request('GET', '/api/agent/mcp_servers')).toMatchObject({ status: 200, json: { success: true, exists: false, servers: [], invalid: [] } });

    // A hand-written file: a top-level key of another tool and an entry the editor cannot show.
    writeFileSync(file(), JSON.stringify({ $comment: 'mine', mcpServers: { legacy: { command: 'x', disabled: true } } }, null, 4));
    const before = await h.request('GET', '/api/agent/mcp_servers');
    expect(before.json).toMatchObject({ exists: true, servers: [], invalid: [{ name: 'legacy', error: 'unknown field "disabled"' }] });

    const agent = await startAgent(h);
    try {
      const saved = await put([
        { name: 'notes', command: process.execPath, args: [serverJs], env: { NOTE_PREFIX: 'secret' } },
        { name: 'remote', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer t' }, type: 'sse' },
      ]);
      expect(saved).toMatchObject({ status: 200, json: { success: true, agent_notified: true, exists: true } });
      expect(saved.json.servers.map((s: { name: string }) => s.name)).toEqual(['notes', 'remote']);
      const onDisk = JSON.parse(readFileSync(file(), 'utf8'));
      expect(onDisk).toEqual({
        $comment: 'mine',
        mcpServers: {
          legacy: { command: 'x', disabled: true },
          notes: { command: process.execPath, args: [serverJs], env: { NOTE_PREFIX: 'secret' } },
          remote: { url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer t' }, type: 'sse' },
        },
      });
      // The old layout (indent 4) is kept: only the changed values were rewritten; no temp file is left.
      expect(readFileSync(file(), 'utf8')).toContain('\n    "$comment": "mine"');
      expect(readdirSync(h.root).filter((n) => n.endsWith('.tmp'))).toEqual([]);

      // The agent re-read the file: the test server's tools are there.
      const availability = await h.request('GET', '/api/agent/mcp/availability');
      expect(availability).toMatchObject({ status: 200, json: { ready: true } });
      const caps = await h.request('GET', '/api/agent/capabilities');
      expect(Object.keys(caps.json.capabilities)).toEqual(expect.arrayContaining(['notes/clock', 'notes/notes_add']));

      // Saving an empty list removes the editable entries; the one the editor could not show stays.
      expect(await put([])).toMatchObject({ status: 200, json: { servers: [], invalid: [{ name: 'legacy' }] } });
      expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ $comment: 'mine', mcpServers: { legacy: { command: 'x', disabled: true } } });
    } finally {
      await agent.close();
    }
  });

  it('refuses (409) a save edited from an older read, so a server added by hand is never dropped', async () => {
    const first = await h.request('GET', '/api/agent/mcp_servers');
    expect(first.json.revision).toBe('');
    writeFileSync(file(), JSON.stringify({ mcpServers: { byHand: { command: 'node', args: ['x.js'] } } }));
    const stale = await h.request('PUT', '/api/agent/mcp_servers', { json: { servers: [{ name: 'mine', command: 'y' }], revision: first.json.revision } });
    expect(stale).toMatchObject({ status: 409, json: { success: false } });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ mcpServers: { byHand: { command: 'node', args: ['x.js'] } } });
    const fresh = await h.request('GET', '/api/agent/mcp_servers');
    const servers = [...fresh.json.servers, { name: 'mine', command: 'y' }];
    expect(await h.request('PUT', '/api/agent/mcp_servers', { json: { servers, revision: fresh.json.revision } })).toMatchObject({ status: 200 });
    expect(Object.keys(JSON.parse(readFileSync(file(), 'utf8')).mcpServers)).toEqual(['byHand', 'mine']);
  });

  it('answers 422 with a readable message for bad input and leaves the file alone', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [[{ name: 'bad name', command: 'x' }], /^servers\[0\]\.name: name must be 1-64 characters/],
      [[{ name: 'a'.repeat(65), command: 'x' }], /^servers\[0\]\.name/],
      [[{ name: 'a', command: 'x'.repeat(1025) }], /^servers\[0\]\.command: command is longer than 1024 bytes/],
      [[{ name: 'a', command: 'x', args: Array.from({ length: 33 }, () => '-v') }], /^servers\[0\]\.args: at most 32 arguments/],
      [[{ name: 'a', command: 'x', env: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`K${i}`, 'v'])) }], /^servers\[0\]\.env: env must map names/],
      [[{ name: 'a', url: 'file:///etc/passwd' }], /^servers\[0\] \("a"\): url must be an http:\/\/ or https:\/\/ address/],
      [[{ name: 'a', url: 'http://x/mcp', command: 'x' }], /either a command .* or a url/],
      [[{ name: 'a' }], /either a command/],
      [[{ name: 'a', command: 'x' }, { name: 'a', command: 'y' }], /^servers\[1\]\.name: "a" is used twice/],
      [Array.from({ length: 33 }, (_, i) => ({ name: `s${i}`, command: 'x' })), /^servers: at most 32 servers/],
      ['nope', /^servers: (servers must be a list|every server must be an object)/],
    ];
    for (const [servers, message] of cases) {
      const res = await put(servers);
      expect({ servers, status: res.status }).toEqual({ servers, status: 422 });
      expect(res.json.success).toBe(false);
      expect(res.json.error).toMatch(message);
    }
    expect(await h.request('PUT', '/api/agent/mcp_servers', { json: [1] })).toMatchObject({ status: 422, json: { success: false } });
    expect(existsSync(file())).toBe(false);
  });

  it('saves without the agent (it reads the file when it starts) and backs up a broken file', async () => {
    writeFileSync(file(), '{ not json');
    expect((await h.request('GET', '/api/agent/mcp_servers')).json).toMatchObject({ exists: true, servers: [], problem: expect.stringContaining('not valid JSON') });
    const res = await put([{ name: 'web', url: 'https://example.com/mcp' }]);
    expect(res).toMatchObject({ status: 200, json: { success: true, agent_notified: false, servers: [{ name: 'web', url: 'https://example.com/mcp' }] } });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ mcpServers: { web: { url: 'https://example.com/mcp' } } });
    const backups = readdirSync(h.root).filter((n) => n.startsWith('mcp.json.broken-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(h.root, backups[0] ?? ''), 'utf8')).toBe('{ not json');
  });

  it('a server named "__proto__" is saved as an entry like any other', async () => {
    expect(await put([{ name: '__proto__', command: 'x' }])).toMatchObject({ status: 200, json: { servers: [{ name: '__proto__', command: 'x' }] } });
    expect(Object.keys(JSON.parse(readFileSync(file(), 'utf8')).mcpServers)).toEqual(['__proto__']);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await h.request('GET', '/docs-json');
    expect(Object.keys(doc.json.paths['/api/agent/mcp_servers'])).toEqual(expect.arrayContaining(['get', 'put']));
  });
});
