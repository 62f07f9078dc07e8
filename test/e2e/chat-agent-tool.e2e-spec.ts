import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { buildSync } from 'esbuild';
import { AgentAppModule } from '../../src/agent/agent-app.module';
import { createAgentBridgeStrategy } from '../../src/agent/bridge/agent-bridge.strategy';
import { AgentStatusService } from '../../src/agent/state/agent-status.service';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { CHAT_MODEL, chatCoreConfig, connectChat, contentText, isTurnEnd, lastUserText, replyText, requestText, type ChatClient, type ChatEvent } from '../support/chat-client.harness';
import { waitFor } from '../support/free-port';
import { portsOf, startMainApp, type MainHarness } from '../support/main-app.harness';

const NAME = '小天';
const ASK = 'what time is it on the clock tool?';
const FIRST_REPLY = '好的，我用时钟工具看一下。';
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;

jest.setTimeout(60_000);

/** Main, memory and agent in this process over real HTTP and ZeroMQ; the agent runs a real stdio MCP server. */
describe('chat → agent → MCP tool → the character says the result (issue 6 e2e)', () => {
  let work: string;
  let fake: FakeOpenAi;
  let h: MainHarness;
  let agent: NestFastifyApplication;
  let c: ChatClient;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'neko-agent-e2e-'));
    const serverJs = join(work, 'mcp-test-server.cjs');
    buildSync({ entryPoints: [join(__dirname, '../support/mcp-test-server.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: serverJs, logLevel: 'silent' });
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    // Callers told apart by content: the text chat (CHAT_MODEL), the agent's MCP assessment, everything else echoed.
    fake.script.defaultChat((body) => {
      const system = contentText((body.messages as Array<{ role: string; content: unknown }>).find((m) => m.role === 'system')?.content);
      if (body.model !== CHAT_MODEL) {
        if (system.includes('MCP tools below')) {
          return { content: JSON.stringify({ has_task: true, can_execute: true, task_description: 'read the clock tool', tool_name: 'tests/clock', tool_args: {}, reason: 'the user asked for the time' }) };
        }
        return { content: `Echo: ${lastUserText(body)}` };
      }
      // The callback turn carries the task result; the character reads the time from it.
      const time = ISO.exec(requestText(body))?.[0];
      const answered = (body.messages as Array<{ role: string; content: unknown }>).some((m) => m.role === 'assistant' && String(m.content).startsWith('主人，现在是'));
      return time && !answered ? { content: `主人，现在是 ${time} 哦。` } : { content: FIRST_REPLY };
    });
    // The agent tier points at the fake too, so no readiness probe leaves the machine.
    const agentTier = { agentModelProvider: 'custom', agentModelUrl: fake.baseUrl, agentModelId: 'fake-agent', agentModelApiKey: 'sk-test' };
    h = await startMainApp({ memory: true, coreConfig: chatCoreConfig(fake, { extra: agentTier }) });
    writeFileSync(join(h.root, 'mcp.json'), JSON.stringify({ mcpServers: { tests: { command: process.execPath, args: [serverJs] } } }));
    const agentCtx = await createBootContext('agent', { ...process.env, NEKO_DATA_DIR: h.root, NEKO_ZMQ_LINGER_MS: '0', ...portsOf(h.ctx) });
    const moduleRef = await Test.createTestingModule({ imports: [AgentAppModule.register(agentCtx)] }).compile();
    agent = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
    await agent.listen({ port: agentCtx.env.ports.agent, host: '127.0.0.1' });
    agent.connectMicroservice({ strategy: createAgentBridgeStrategy(agentCtx.env) });
    await agent.startAllMicroservices();

    // Switch the agent on through main, as the UI does.
    expect((await h.request('POST', '/api/agent/admin/control', { json: { action: 'enable_analyzer' } })).json).toMatchObject({ success: true });
    // The agent answers within main's 0.7 s: at once when the MCP check is quick, else "on, checking" (the
    // stdio server is still starting) and ready once the check lands.
    const set = await h.request('POST', '/api/agent/flags', { json: { lanlan_name: NAME, flags: { agent_enabled: true, mcp_enabled: true } } });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ success: true });
    const mcpOn = async () => {
      const got = await h.request('GET', '/api/agent/flags');
      return got.status === 200 && (got.json as { agent_flags?: { mcp_enabled?: unknown } } | undefined)?.agent_flags?.mcp_enabled === true;
    };
    await waitFor(mcpOn, 'the agent reporting mcp_enabled', 20_000);
    await waitFor(() => agent.get(AgentStatusService).isChannelUsable('mcp'), 'MCP channel usable', 20_000);

    c = await connectChat(h.baseUrl, NAME);
    c.send('start_session', { input_type: 'text', new_session: true });
    await c.next('session_started');
  }, 60_000);
  afterAll(async () => {
    await c?.close();
    await agent?.close();
    await h?.close();
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a user text asking for the clock ends with agent_task_update queued → running → completed and the character saying the time', async () => {
    const from = c.mark();
    c.send('stream_data', { input_type: 'text', data: ASK });
    expect(replyText(await c.collectUntil(isTurnEnd, { from }))).toBe(FIRST_REPLY);

    const completed = await c.next('agent_task_update', { where: (m) => m.task?.status === 'completed', timeoutMs: 30_000 });
    expect(completed.task).toMatchObject({ type: 'mcp', params: { tool: 'tests/clock' } });
    const updates = c
      .since(from)
      .flatMap((e) => (e.kind === 'json' && e.message.type === 'agent_task_update' && e.message.task?.id === completed.task.id ? [String(e.message.task.status)] : []));
    expect(updates[0]).toBe('queued');
    expect(updates).toEqual(expect.arrayContaining(['queued', 'running', 'completed']));
    expect(updates.indexOf('running')).toBeLessThan(updates.indexOf('completed'));

    const notification = await c.next('agent_notification', { where: (m) => ISO.test(String(m.text)), timeoutMs: 30_000 });
    expect(notification).toMatchObject({ source: 'brain', status: 'completed' });
    const time = ISO.exec(String(notification.text))?.[0];
    expect(Math.abs(Date.parse(time ?? '') - Date.now())).toBeLessThan(60_000);

    const said = (e: ChatEvent) => isTurnEnd(e) && replyText(c.since(from).filter((x) => x.seq <= e.seq)).includes(`现在是 ${time}`);
    const spoken = await c.collectUntil(said, { from, timeoutMs: 30_000 });
    expect(replyText(spoken)).toContain(`主人，现在是 ${time} 哦。`);
  });
});
