import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { buildSync } from 'esbuild';
import { Pull } from 'zeromq';
import { AgentAppModule } from '../../src/agent/agent-app.module';
import { TaskRunnerService } from '../../src/agent/pipeline/task-runner.service';
import { TaskActionLog } from '../../src/agent/tasks/task-action.log';
import { TaskRegistryService } from '../../src/agent/tasks/task-registry.service';
import type { BootContext } from '../../src/shared/config/config.tokens';
import { zmqEndpoint } from '../../src/shared/config/env.schema';
import { installHostOriginGuard } from '../../src/shared/http/host-origin.policy';
import { setupSwagger } from '../../src/shared/http/swagger.setup';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { freePortEnv } from '../support/boot-context';
import { waitFor } from '../support/free-port';

jest.setTimeout(60_000);

const ALL_OFF = { mcp_enabled: false, computer_use_enabled: false, browser_use_enabled: false, user_plugin_enabled: false, openfang_enabled: false };

let work: string;
let serverJs: string;
let ctx: BootContext;
let fake: FakeOpenAi;
let app: NestFastifyApplication;
let pull: Pull;
const events: Array<{ event_type: string; lanlan_name: string | null; snapshot?: Record<string, unknown> }> = [];

const writeMcp = (text: string) => writeFileSync(join(ctx.dataFolder.root, 'mcp.json'), text);
const writeCore = (agentTier: boolean) =>
  writeFileSync(
    ctx.dataFolder.configFile('core_config.json'),
    JSON.stringify({
      coreApi: 'qwen',
      assistApi: 'qwen',
      enableCustomApi: true,
      summaryModelId: 'fake-summary', summaryModelUrl: fake.baseUrl, summaryModelApiKey: 'sk-test',
      ...(agentTier ? { agentModelId: 'fake-vision', agentModelUrl: fake.baseUrl, agentModelApiKey: 'sk-test' } : {}),
    }),
  );

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
async function call(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, json: res.body ? res.json() : undefined };
}
const notification = async () => {
  const text = (await call('GET', '/agent/flags')).json.notification as string | null;
  return text === null ? null : (JSON.parse(text) as { code: string; details: Record<string, unknown> });
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'neko-agent-http-'));
  serverJs = join(work, 'mcp-test-server.cjs');
  buildSync({ entryPoints: [join(__dirname, '../support/mcp-test-server.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: serverJs, logLevel: 'silent' });
  fake = await startFakeOpenAi({ apiKey: 'sk-test' });
  ctx = await createBootContext('agent', { ...(await freePortEnv()), NEKO_DATA_DIR: join(work, 'N.E.K.O'), NEKO_ZMQ_LINGER_MS: '0' });
  writeCore(false);
  writeMcp(JSON.stringify({ mcpServers: { notes: { command: process.execPath, args: [serverJs] } } }));
  // Main's end of the results queue: every agent_status_update the agent pushes.
  pull = new Pull({ linger: 0 });
  await pull.bind(zmqEndpoint(ctx.env.ports.zmqAgentPush));
  void (async () => {
    for await (const [frame] of pull) events.push(JSON.parse(frame.toString()) as (typeof events)[number]);
  })().catch(() => undefined);

  const ref = await Test.createTestingModule({ imports: [AgentAppModule.register(ctx)] }).compile();
  app = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  installHostOriginGuard(app, ctx.env);
  setupSwagger(app, 'N.E.K.O.-TS agent server', 'test');
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app?.close();
  pull?.close();
  await fake?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('agent HTTP API (real agent app, real MCP server, fake model provider)', () => {
  it('starts with everything off, the gate closed and no notification', async () => {
    expect(await call('GET', '/health')).toMatchObject({ status: 200, json: { app: 'N.E.K.O', service: 'agent', status: 'ok', agent_flags: ALL_OFF } });
    const flags = await call('GET', '/agent/flags');
    expect(flags.status).toBe(200);
    expect(flags.json).toEqual({
      success: true,
      agent_flags: ALL_OFF,
      analyzer_enabled: false,
      agent_api_gate: { ready: false, reasons: ['AGENT_KEY_NOT_CONFIGURED'], is_free_version: false },
      revision: expect.any(Number),
      notification: null,
    });
    // A set that changes nothing is answered and pushed, but the revision stays (it counts changes).
    expect(await call('POST', '/agent/flags', { mcp_enabled: false })).toEqual({ status: 200, json: { success: true, agent_flags: ALL_OFF } });
    expect((await call('GET', '/agent/flags')).json.revision).toBe(flags.json.revision);
    const state = await call('GET', '/agent/state');
    expect(state.status).toBe(200);
    expect(state.json.snapshot.revision).toBe(flags.json.revision);
    expect(Object.keys(state.json.snapshot)).toEqual(['revision', 'server_online', 'analyzer_enabled', 'flags', 'gate', 'capabilities', 'active_tasks', 'notification', 'updated_at']);
    expect(state.json.snapshot.capabilities.computer_use).toEqual({ ready: false, reason: 'AGENT_KEY_NOT_CONFIGURED' });
    expect(state.json.snapshot.capabilities.user_plugin).toEqual({ ready: false, reason: 'AGENT_PLUGIN_SERVER_ERROR' });
  });

  it('POST /agent/flags is always 200, considers only booleans and reports refusals once through the notification', async () => {
    const res = await call('POST', '/agent/flags', { lanlan_name: '小天', computer_use_enabled: true, browser_use_enabled: 'yes' });
    expect(res).toEqual({ status: 200, json: { success: true, agent_flags: ALL_OFF } });
    expect(await notification()).toEqual({ code: 'AGENT_KEY_NOT_CONFIGURED', details: { reasons: ['AGENT_KEY_NOT_CONFIGURED'] } });
    expect(await notification()).toBeNull();
    await waitFor(() => events.some((e) => e.event_type === 'agent_status_update' && e.lanlan_name === '小天'), 'agent_status_update for 小天');

    expect((await call('POST', '/agent/flags', { user_plugin_enabled: true, openfang_enabled: true })).json.agent_flags).toEqual(ALL_OFF);
    expect((await notification())?.code).toMatch(/^AGENT_(PLUGIN_SERVER_ERROR|OPENFANG_DAEMON_UNREACHABLE)$/);
    expect((await call('POST', '/agent/flags', {})).json).toEqual({ success: true, agent_flags: ALL_OFF });
    // A body that is not an object changes nothing and is still 200.
    expect(await call('POST', '/agent/flags', [1])).toEqual({ status: 200, json: { success: true, agent_flags: ALL_OFF } });
    expect(await call('POST', '/agent/flags', '"x"', { 'content-type': 'application/json' })).toEqual({ status: 200, json: { success: true, agent_flags: ALL_OFF } });
    // Not JSON at all: refused by the parser like FastAPI does (422 json_invalid), the one exception.
    const broken = await call('POST', '/agent/flags', '{"mcp_enabled": tru', { 'content-type': 'application/json' });
    expect(broken).toEqual({ status: 422, json: { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: expect.any(String) } }] } });
  });

  it('enables MCP against the real server, lists its tools and switches it off when mcp.json breaks', async () => {
    const on = await call('POST', '/agent/flags', { mcp_enabled: true });
    expect(on.json.agent_flags.mcp_enabled).toBe(true);
    const availability = await call('GET', '/mcp/availability');
    expect(availability).toEqual({ status: 200, json: { ready: true, capabilities_count: 5, reasons: [] } });
    const caps = await call('GET', '/capabilities');
    expect(caps.json.success).toBe(true);
    expect(Object.keys(caps.json.capabilities).sort()).toEqual(['notes/clock', 'notes/fail', 'notes/notes_add', 'notes/notes_list', 'notes/sleep']);
    expect(caps.json.capabilities['notes/notes_add']).toMatchObject({ title: 'notes/notes_add', description: 'Adds a note', type: 'mcp_tool', input_schema: { type: 'object' } });
    expect((await call('GET', '/agent/state')).json.snapshot.capabilities.mcp).toEqual({ ready: true, reason: '' });

    writeMcp('{"mcpServers": ');
    const broken = await call('GET', '/mcp/availability');
    expect(broken.json).toMatchObject({ ready: false, reasons: expect.arrayContaining(['AGENT_MCP_CONFIG_INVALID']) });
    expect((await call('GET', '/agent/flags')).json.agent_flags.mcp_enabled).toBe(false);
    // The read of /agent/flags above took the notification; main got it in the snapshot pushed before.
    const disconnected = JSON.stringify({ code: 'AGENT_MCP_DISCONNECTED', details: { reason: 'AGENT_MCP_CONFIG_INVALID' } });
    await waitFor(() => events.some((e) => e.event_type === 'agent_status_update' && e.snapshot?.notification === disconnected), 'AGENT_MCP_DISCONNECTED pushed to main');
  });

  it('runs commands and admin actions with their status codes', async () => {
    const enabled = await call('POST', '/agent/command', { command: 'set_agent_enabled', enabled: true, request_id: 'r-1', profile: { p: 1 }, lanlan_name: 'Luna' });
    expect(enabled.status).toBe(200);
    expect(enabled.json).toMatchObject({ success: true, request_id: 'r-1', timing: { received_at: expect.stringMatching(/\.\d{3}000Z$/), finished_at: expect.stringMatching(/\.\d{6}Z$/), elapsed_ms: expect.any(Number) } });
    await waitFor(() => events.some((e) => e.event_type === 'agent_status_update' && e.lanlan_name === 'Luna' && e.snapshot?.analyzer_enabled === true), 'status update for Luna');
    expect((await call('POST', '/agent/command', { command: 'refresh_state', request_id: 7 })).json.request_id).toBe(7);
    expect(enabled.json.snapshot.analyzer_enabled).toBe(true);
    expect(await call('POST', '/agent/command', { command: 'set_flag', key: 'nope', value: true })).toEqual({ status: 400, json: { detail: 'invalid flag key' } });
    expect(await call('POST', '/agent/command', { command: 'launch' })).toEqual({ status: 400, json: { detail: 'unknown command' } });
    const flag = await call('POST', '/agent/command', { command: 'set_flag', key: 'browser_use_enabled', value: true });
    expect(flag.json.snapshot.flags.browser_use_enabled).toBe(false);
    const refreshed = await call('POST', '/agent/command', { command: 'refresh_state' });
    expect(refreshed.json).toMatchObject({ success: true, request_id: expect.stringMatching(/^[0-9a-f]{32}$/), snapshot: { revision: expect.any(Number) } });

    expect(await call('POST', '/admin/control', { action: 'enable_analyzer', profile: { mode: 'x' } })).toEqual({ status: 200, json: { success: true, analyzer_enabled: true, profile: { mode: 'x' } } });
    expect(await call('POST', '/admin/control', { action: 'end_all' })).toEqual({ status: 200, json: { success: true, message: 'all tasks terminated and cleared' } });
    expect(await call('POST', '/admin/control', { action: 'disable_analyzer' })).toEqual({ status: 200, json: { success: true, analyzer_enabled: false } });
    expect((await call('GET', '/agent/flags')).json).toMatchObject({ analyzer_enabled: false, agent_flags: ALL_OFF });
    expect(await call('POST', '/admin/control', { action: 'reboot' })).toEqual({ status: 400, json: { detail: 'unknown action' } });
    expect((await call('POST', '/admin/control', '"x"', { 'content-type': 'application/json' })).json.detail[0]).toMatchObject({ type: 'dict_type' });
    expect(await call('POST', '/admin/control', '{"action": ', { 'content-type': 'application/json' })).toMatchObject({ status: 422, json: { detail: [{ type: 'json_invalid', loc: ['body', 0] }] } });
    expect(await call('POST', '/admin/control', '', { 'content-type': 'application/json' })).toEqual({ status: 422, json: { detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] } });
  });

  it('end_all and disable_analyzer cancel a running MCP task and answer once it has stopped', async () => {
    writeMcp(JSON.stringify({ mcpServers: { notes: { command: process.execPath, args: [serverJs] } } }));
    const runner = app.get(TaskRunnerService);
    const registry = app.get(TaskRegistryService);
    const startSleep = async (): Promise<string> => {
      const outcome = await runner.submit({ channel: 'mcp', description: 'sleep', request: { action: 'notes/sleep', args: { ms: 30_000 } }, lanlan_name: null, dedupe: false });
      if (outcome.status !== 'queued') throw new Error('not queued');
      await waitFor(() => registry.get(outcome.task.id)?.status === 'running', 'sleep task running');
      return outcome.task.id;
    };
    expect((await call('POST', '/admin/control', { action: 'enable_analyzer' })).json.analyzer_enabled).toBe(true);
    expect((await call('POST', '/agent/flags', { mcp_enabled: true })).json.agent_flags.mcp_enabled).toBe(true);

    const first = await startSleep();
    expect(await call('POST', '/admin/control', { action: 'end_all' })).toEqual({ status: 200, json: { success: true, message: 'all tasks terminated and cleared' } });
    expect(registry.get(first)?.status).toBe('cancelled');
    expect(runner.queueDepth('mcp')).toEqual({ queued: 0, running: false });

    const second = await startSleep();
    expect(await call('POST', '/admin/control', { action: 'disable_analyzer' })).toEqual({ status: 200, json: { success: true, analyzer_enabled: false } });
    expect(registry.get(second)?.status).toBe('cancelled');
    expect(runner.queueDepth('mcp')).toEqual({ queued: 0, running: false });
    expect((await call('GET', '/agent/flags')).json).toMatchObject({ analyzer_enabled: false, agent_flags: ALL_OFF });
  });

  it('lists, shows and cancels tasks; unknown ids are 404', async () => {
    expect(await call('GET', '/tasks/nope')).toEqual({ status: 404, json: { detail: 'task not found' } });
    expect(await call('POST', '/tasks/nope/cancel')).toEqual({ status: 404, json: { detail: 'task not found' } });
    const task = app.get(TaskRegistryService).create({ type: 'mcp', params: { instruction: '记一条笔记', tool: 'notes/notes_add' }, lanlan_name: '小天' });
    app.get(TaskActionLog).add(task.id, { stage: 'action', message: 'call notes/notes_add' });
    const list = await call('GET', '/tasks');
    expect(list.json.tasks[0]).toMatchObject({ id: task.id, type: 'mcp', status: 'queued', lanlan_name: '小天', result: null, error: null, source: 'runtime' });
    expect(list.json.debug).toEqual({ task_registry_count: expect.any(Number), total_returned: list.json.tasks.length });
    const one = await call('GET', `/tasks/${task.id}`);
    expect(one.json.actions).toEqual([{ at: expect.stringMatching(/Z$/), stage: 'action', message: 'call notes/notes_add' }]);
    expect(await call('POST', `/tasks/${task.id}/cancel`)).toEqual({ status: 200, json: { success: true, task_id: task.id, status: 'cancelled' } });
    expect(await call('POST', `/tasks/${task.id}/cancel`)).toEqual({ status: 200, json: { success: false, error: 'task is not active' } });
  });

  it('computer use and browser use: 400 without instruction, 503 while the gate is closed', async () => {
    expect((await call('GET', '/computer_use/availability')).json).toMatchObject({ ready: false, reasons: ['AGENT_KEY_NOT_CONFIGURED'] });
    expect(await call('POST', '/computer_use/run', { instruction: '  ' })).toEqual({ status: 400, json: { detail: 'instruction required' } });
    expect(await call('POST', '/computer_use/run', { instruction: '打开记事本' })).toEqual({ status: 503, json: { success: false, error: 'ComputerUse not ready', reasons: ['AGENT_KEY_NOT_CONFIGURED'] } });
    expect((await call('GET', '/browser_use/availability')).json).toEqual({ enabled: true, ready: false, reasons: ['AGENT_KEY_NOT_CONFIGURED'], provider: 'browser-use' });
    expect(await call('POST', '/browser_use/run', {})).toEqual({ status: 400, json: { detail: 'instruction required' } });
    expect(await call('POST', '/plugin/execute', { plugin_id: 'x' })).toEqual({ status: 403, json: { detail: 'User plugin is disabled' } });
  });

  it('opens the gate after notify_config_changed', async () => {
    writeCore(true);
    expect(await call('POST', '/notify_config_changed')).toMatchObject({ status: 200, json: { success: true, message: expect.any(String) } });
    expect((await call('GET', '/agent/flags')).json.agent_api_gate).toEqual({ ready: true, reasons: [], is_free_version: false });
    // The gate is open now; the answer is then the browser adapter's own check (Chromium found or not).
    const bu = await call('GET', '/browser_use/availability');
    expect(bu.json).toMatchObject({ enabled: true, provider: 'browser-use' });
    expect(bu.json.reasons).not.toContain('AGENT_KEY_NOT_CONFIGURED');
    expect(bu.json.reasons).toEqual(bu.json.ready ? [] : ['AGENT_BROWSER_USE_NOT_INSTALLED']);
  });

  it('refuses a foreign Origin, answers FastAPI 404s and documents the routes', async () => {
    expect(await call('POST', '/agent/flags', { mcp_enabled: true }, { origin: 'https://evil.example' })).toEqual({ status: 403, json: { detail: 'Origin "https://evil.example" is not allowed' } });
    expect((await call('GET', '/agent/flags', undefined, { host: 'evil.example' })).status).toBe(403);
    expect(await call('GET', '/no/such/route')).toEqual({ status: 404, json: { detail: 'Not Found' } });
    const doc = await call('GET', '/docs-json');
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/agent/flags', '/agent/command', '/tasks/{task_id}/cancel', '/mcp/availability', '/capabilities']));
    // Every agent route that can answer 200 documents the shape of that answer (plugin/execute is always
    // 403; /health is the shared health controller of all three servers).
    const undocumented: string[] = [];
    for (const [path, methods] of Object.entries(doc.json.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)) {
      for (const [method, op] of Object.entries(methods)) {
        if (path === '/plugin/execute' || path === '/health') continue;
        if (!op.responses['200']?.content?.['application/json']?.schema) undocumented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
