import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AgentAppModule } from '../../src/agent/agent-app.module';
import { SessionRegistry } from '../../src/main/sessions/session-registry.service';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { portsOf, startMainApp, type MainHarness } from '../support/main-app.harness';

/** The real agent app (HTTP side) in-process on the harness's agent port. */
async function startAgent(h: MainHarness): Promise<NestFastifyApplication> {
  const p = h.ctx.env.ports;
  const ctx = await createBootContext('agent', { NEKO_DATA_DIR: h.root, NEKO_ZMQ_LINGER_MS: '0', ...portsOf(h.ctx) });
  const ref = await Test.createTestingModule({ imports: [AgentAppModule.register(ctx)] }).compile();
  const app = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  await app.listen({ port: p.agent, host: '127.0.0.1' });
  return app;
}

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/**
 * A stand-in that speaks the agent spec's HTTP shapes (§7.2/§8.5 /tasks, /agent/flags), for answers the
 * real agent does not give on demand (a task list with planner rows, every status at once).
 */
async function startSpecAgent(port: number, routes: Record<string, (body: unknown) => [number, unknown]>, delayMs = 0): Promise<{ server: Server; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body: unknown = raw ? JSON.parse(raw) : undefined;
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      const route = routes[`${req.method} ${req.url}`];
      const [status, json] = route ? route(body) : [404, { detail: 'Not Found' }];
      // A slow agent answers after `delayMs` (main has given up by then); the socket may be gone.
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      }, delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, requests };
}

const TASKS = {
  tasks: [
    { id: 't1', type: 'computer_use', status: 'running', start_time: '2026-12-01T06:00:00Z', params: { instruction: '打开浏览器' }, result: null, error: null, lanlan_name: '小天', source: 'runtime' },
    { id: 't2', type: 'processor', status: 'completed', start_time: '2026-12-01T05:00:00Z', params: { query: '天气' }, result: { ok: true }, error: null, lanlan_name: '小天', source: 'runtime' },
    { id: 't3', type: 'processor', status: 'failed', error: 'boom', source: 'runtime' },
    { id: 't4', status: 'queued', original_query: 'x', meta: {}, source: 'planner' },
    { id: 't5' },
  ],
  debug: { task_registry_count: 4, task_pool_count: 1, total_returned: 5 },
};

// Cold starts (Nest, SQLite, LanceDB) take several seconds when other suites run in parallel.
jest.setTimeout(30_000);

describe('main agent router /api/agent', () => {
  let h: MainHarness;
  const manager = (name: string) => h.app.get(SessionRegistry).get(name);
  beforeEach(async () => {
    h = await startMainApp();
  });
  afterEach(async () => {
    await h.close();
  });

  it('proxies to the real agent app (health, flags, state, command, tasks, admin, MCP)', async () => {
    // No model keys: the agent's checks stay local (no probe of a real provider).
    writeFileSync(join(h.root, 'config', 'core_config.json'), JSON.stringify({ coreApi: 'qwen', assistApi: 'qwen' }));
    const agent = await startAgent(h);
    try {
      const health = await h.request('GET', '/api/agent/health');
      expect(health.status).toBe(200);
      expect(health.json).toMatchObject({ status: 'ok', tool: { app: 'N.E.K.O', service: 'agent', status: 'ok', agent_flags: expect.objectContaining({ mcp_enabled: false }) } });
      expect(await h.request('GET', '/api/agent/flags')).toMatchObject({ status: 200, json: { success: true, analyzer_enabled: false, agent_api_gate: { ready: false } } });
      expect(await h.request('GET', '/api/agent/state')).toMatchObject({ status: 200, json: { success: true, snapshot: { server_online: true, analyzer_enabled: false } } });
      expect(await h.request('GET', '/api/agent/computer_use/availability')).toMatchObject({ status: 200, json: { ready: false, reasons: ['AGENT_KEY_NOT_CONFIGURED'] } });
      expect(await h.request('GET', '/api/agent/mcp/availability')).toMatchObject({ status: 200, json: { ready: false, capabilities_count: 0, reasons: ['AGENT_ENDPOINT_NOT_CONFIGURED'] } });
      expect(await h.request('GET', '/api/agent/capabilities')).toMatchObject({ status: 200, json: { success: true, capabilities: {} } });
      expect(await h.request('GET', '/api/agent/tasks')).toMatchObject({ status: 200, json: { tasks: [], debug: { total_returned: 0 } } });
      expect(await h.request('GET', '/api/agent/tasks/abc')).toMatchObject({ status: 502, json: { error: 'tool_server responded 404' } });
      expect(await h.request('POST', '/api/agent/tasks/abc/cancel')).toMatchObject({ status: 404, json: { detail: 'task not found' } });
      expect(await h.request('GET', '/api/agent/task_status')).toMatchObject({ status: 200, json: { success: true, total_count: 0 } });

      const on = await h.request('POST', '/api/agent/command', { json: { command: 'set_agent_enabled', enabled: true, request_id: 'q1' } });
      expect(on).toMatchObject({ status: 200, json: { success: true, request_id: 'q1', snapshot: { analyzer_enabled: true } } });
      expect(manager('小天')?.agentFlags.agent_enabled).toBe(true);
      expect(await h.request('POST', '/api/agent/command', { json: { command: 'nope' } })).toMatchObject({ status: 400, json: { detail: 'unknown command' } });
      expect(await h.request('POST', '/api/agent/admin/control', { json: { action: 'disable_analyzer' } })).toMatchObject({ status: 200, json: { success: true, analyzer_enabled: false } });

      // Flags: stored on the manager and forwarded (mcp_enabled too); the agent refuses MCP without mcp.json
      // and the manager keeps what the agent answered.
      expect(await h.request('POST', '/api/agent/flags', { json: { flags: { agent_enabled: true, mcp_enabled: true } } })).toMatchObject({ status: 200, json: { success: true, is_free_version: false } });
      expect(manager('小天')?.agentFlags).toEqual({ agent_enabled: true, computer_use_enabled: false, mcp_enabled: false, browser_use_enabled: false });
      const flags = await h.request('GET', '/api/agent/flags');
      expect(flags.json.agent_flags.mcp_enabled).toBe(false);
      expect(JSON.parse(flags.json.notification as string)).toMatchObject({ code: 'AGENT_MCP_UNAVAILABLE' });
    } finally {
      await agent.close();
    }
  });

  it('rolls the switches back to what they were when a command cannot reach the agent', async () => {
    manager('小天')?.updateAgentFlags({ computer_use_enabled: true });
    const res = await h.request('POST', '/api/agent/command', { json: { command: 'set_agent_enabled', enabled: true } });
    expect(res).toMatchObject({ status: 502, json: { success: false, error: expect.stringMatching(/^proxy error: agent server unreachable/) } });
    expect(manager('小天')?.agentFlags).toEqual({ agent_enabled: false, computer_use_enabled: true, mcp_enabled: false, browser_use_enabled: false });
    expect(await h.request('GET', '/api/agent/state')).toMatchObject({ status: 502, json: { success: false } });
  });

  it('answers the down shapes when the agent is not running', async () => {
    expect(await h.request('GET', '/api/agent/health')).toMatchObject({ status: 502, json: { status: 'down' } });
    expect(await h.request('GET', '/api/agent/flags')).toMatchObject({ status: 502, json: { success: false, error: expect.stringContaining('agent server unreachable') } });
    expect(await h.request('GET', '/api/agent/mcp/availability')).toMatchObject({ status: 502, json: { ready: false, reasons: [expect.stringMatching(/^proxy error: agent server unreachable/)] } });
    expect(await h.request('GET', '/api/agent/tasks')).toMatchObject({ status: 502, json: { tasks: [], error: expect.stringMatching(/^proxy error: /) } });
    expect(await h.request('GET', '/api/agent/tasks/t1')).toMatchObject({ status: 502, json: { error: expect.stringMatching(/^proxy error: /) } });
    const status = await h.request('GET', '/api/agent/task_status');
    expect(status).toMatchObject({ status: 502, json: { success: false, tasks: [], error: expect.stringMatching(/^Failed to fetch task status: /) } });
    expect(status.json.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(await h.request('POST', '/api/agent/admin/control', { json: { action: 'end_all' } })).toMatchObject({ status: 502, json: { success: false, error: expect.stringMatching(/^Failed to execute admin control: /) } });
    // Flags with only agent_enabled are not forwarded: success without the agent.
    expect(await h.request('POST', '/api/agent/flags', { json: { flags: { agent_enabled: true } } })).toMatchObject({ status: 200, json: { success: true, is_free_version: false } });
    expect(manager('小天')?.agentFlags.agent_enabled).toBe(true);
    const failed = await h.request('POST', '/api/agent/flags', { json: { lanlan_name: '小天', flags: { computer_use_enabled: true } } });
    expect(failed).toMatchObject({ status: 502, json: { success: false, error: expect.stringMatching(/^tool_server forward failed: agent server unreachable/) } });
    expect(manager('小天')?.agentFlags).toEqual({ agent_enabled: false, computer_use_enabled: false, mcp_enabled: false, browser_use_enabled: false });
  });

  it('answers the user-plugin availability without any network call', async () => {
    expect(await h.request('GET', '/api/agent/user_plugin/availability')).toMatchObject({ status: 502, json: { ready: false, reasons: ['user_plugin server is not part of N.E.K.O.-TS'] } });
  });

  it('aggregates task_status and passes flags, tasks and admin control through (spec-shaped stand-in agent)', async () => {
    const { server, requests } = await startSpecAgent(h.ctx.env.ports.agent, {
      'GET /tasks': () => [200, TASKS],
      'GET /tasks/t1': () => [200, TASKS.tasks[0]],
      'GET /agent/flags': () => [200, { success: true, agent_flags: { computer_use_enabled: true }, analyzer_enabled: true, notification: null }],
      'POST /agent/flags': (body) => [200, { success: true, agent_flags: body }],
      'POST /agent/command': () => [200, { success: true, request_id: 'x', snapshot: { flags: { computer_use_enabled: false, mcp_enabled: false } } }],
      'POST /admin/control': (body) => [200, { success: true, analyzer_enabled: true, profile: (body as { profile?: unknown }).profile ?? {} }],
    });
    try {
      const res = await h.request('GET', '/api/agent/task_status');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ success: true, total_count: 5, running_count: 1, queued_count: 1, completed_count: 1, failed_count: 1, debug: TASKS.debug });
      expect(res.json.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
      expect(res.json.tasks[0]).toEqual({ id: 't1', status: 'running', type: 'computer_use', lanlan_name: '小天', start_time: '2026-12-01T06:00:00Z', end_time: null, params: { instruction: '打开浏览器' }, result: null, error: null, source: 'runtime' });
      expect(res.json.tasks[4]).toEqual({ id: 't5', status: 'unknown', type: 'unknown', lanlan_name: null, start_time: null, end_time: null, params: {}, result: null, error: null, source: 'unknown' });
      expect((await h.request('GET', '/api/agent/tasks')).json).toEqual(TASKS);
      expect((await h.request('GET', '/api/agent/tasks/t1')).json).toEqual(TASKS.tasks[0]);
      expect((await h.request('GET', '/api/agent/flags')).json).toEqual({ success: true, agent_flags: { computer_use_enabled: true }, analyzer_enabled: true, notification: null });

      const flags = await h.request('POST', '/api/agent/flags', { json: { lanlan_name: 'Luna', flags: { agent_enabled: true, mcp_enabled: 1, computer_use_enabled: false, user_plugin_enabled: false, junk: true } } });
      expect(flags).toMatchObject({ status: 200, json: { success: true } });
      expect(requests.find((r) => r.method === 'POST' && r.url === '/agent/flags')?.body).toEqual({ mcp_enabled: true, computer_use_enabled: false, user_plugin_enabled: false, lanlan_name: 'Luna' });
      // The manager stores only real booleans itself (1 is not), then keeps the flags the agent answered (mcp on).
      expect(manager('Luna')?.agentFlags).toEqual({ agent_enabled: true, computer_use_enabled: false, mcp_enabled: true, browser_use_enabled: false });
      // Turning the agent off clears the character's channel switches too.
      expect(await h.request('POST', '/api/agent/command', { json: { command: 'set_agent_enabled', enabled: false, lanlan_name: 'Luna' } })).toMatchObject({ status: 200 });
      expect(manager('Luna')?.agentFlags).toEqual({ agent_enabled: false, computer_use_enabled: false, mcp_enabled: false, browser_use_enabled: false });

      const admin = await h.request('POST', '/api/agent/admin/control', { json: { action: 'enable_analyzer', profile: { a: 1 } } });
      expect(admin).toMatchObject({ status: 200, json: { success: true, analyzer_enabled: true, profile: { a: 1 } } });
      expect(requests.find((r) => r.url === '/admin/control')?.body).toEqual({ action: 'enable_analyzer', profile: { a: 1 } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up on a slow agent after its time-outs: 502, and the switches go back to off', async () => {
    const slow = await startSpecAgent(h.ctx.env.ports.agent, { 'GET /agent/flags': () => [200, { success: true }], 'POST /agent/flags': () => [200, { success: true, agent_flags: {} }] }, 1_500);
    try {
      expect(await h.request('GET', '/api/agent/flags')).toMatchObject({ status: 502, json: { success: false } });
      const res = await h.request('POST', '/api/agent/flags', { json: { flags: { agent_enabled: true, mcp_enabled: true } } });
      expect(res).toMatchObject({ status: 502, json: { success: false, error: expect.stringMatching(/^tool_server forward failed: /) } });
      expect(manager('小天')?.agentFlags).toEqual({ agent_enabled: false, computer_use_enabled: false, mcp_enabled: false, browser_use_enabled: false });
    } finally {
      slow.server.closeAllConnections();
      await new Promise((resolve) => slow.server.close(resolve));
    }
  });

  it('validates flags and admin bodies', async () => {
    expect(await h.request('POST', '/api/agent/flags', { json: { lanlan_name: 'Nobody', flags: {} } })).toMatchObject({ status: 404, json: { success: false, error: 'lanlan not found' } });
    expect(await h.request('POST', '/api/agent/flags', { json: { flags: [1] } })).toMatchObject({ status: 400, json: { success: false, error: 'flags must be an object' } });
    expect(await h.request('POST', '/api/agent/flags', { json: { flags: {} } })).toMatchObject({ status: 200, json: { success: true } });
    expect(await h.request('POST', '/api/agent/admin/control', { json: [1] })).toMatchObject({ status: 422, json: { detail: [{ type: 'dict_type', loc: ['body'] }] } });
    // A body that is not JSON: FastAPI's 422 json_invalid list (not Fastify's 400).
    const broken = await h.request('POST', '/api/agent/command', { body: '{"command": ', headers: { 'content-type': 'application/json' } });
    expect(broken).toMatchObject({ status: 422, json: { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }] } });
  });

  it('notify_task_result queues the text on the manager', async () => {
    const call = (json: unknown) => h.request('POST', '/api/agent/notify_task_result', { json });
    expect(await call({ text: '  你的任务"查天气"已完成  ' })).toMatchObject({ status: 200, json: { success: true } });
    expect(await call({ text: '插件任务 "demo" 已接受', lanlan_name: 'Luna' })).toMatchObject({ status: 200, json: { success: true } });
    expect(manager('小天')?.pendingExtraReplies).toEqual(['你的任务"查天气"已完成']);
    expect(manager('Luna')?.pendingExtraReplies).toEqual(['插件任务 "demo" 已接受']);
    expect(await call({ text: '   ' })).toMatchObject({ status: 400, json: { success: false, error: 'text required' } });
    expect(await call({ lanlan_name: '小天' })).toMatchObject({ status: 400, json: { success: false, error: 'text required' } });
    expect(await call({ text: 42 })).toMatchObject({ status: 400, json: { success: false, error: 'text required' } });
    expect(await call('x')).toMatchObject({ status: 400, json: { success: false, error: 'text required' } });
    expect(await call({ text: 'ok', lanlan_name: 'Nobody' })).toMatchObject({ status: 404, json: { success: false, error: 'lanlan not found' } });
    expect(manager('小天')?.pendingExtraReplies).toHaveLength(1);
  });
});
