import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { buildSync } from 'esbuild';
import { Pull, Push } from 'zeromq';
import { McpClientAdapter } from '../../src/agent/adapters/mcp/mcp-client.adapter';
import { AgentAppModule } from '../../src/agent/agent-app.module';
import { createAgentBridgeStrategy } from '../../src/agent/bridge/agent-bridge.strategy';
import { AnalyzeInboxService } from '../../src/agent/bridge/analyze-inbox.service';
import { AnalyzePipelineService } from '../../src/agent/pipeline/analyze-pipeline.service';
import { TaskRunnerService } from '../../src/agent/pipeline/task-runner.service';
import { TaskRegistryService } from '../../src/agent/tasks/task-registry.service';
import { AgentStatusService } from '../../src/agent/state/agent-status.service';
import type { BootContext } from '../../src/shared/config/config.tokens';
import { zmqEndpoint } from '../../src/shared/config/env.schema';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { testBootContext } from '../support/boot-context';
import { contentText } from '../support/chat-client.harness';
import { waitFor } from '../support/free-port';

jest.setTimeout(60_000);

type Event = Record<string, unknown> & { event_type: string };
type Reply = Record<string, unknown>;

/** Which agent caller a chat completion comes from, by its system prompt. */
function callerOf(body: Record<string, unknown>): 'analyzer' | 'planner' | 'judge' | 'other' {
  const system = contentText((body.messages as Array<{ role: string; content: unknown }> | undefined)?.find((m) => m.role === 'system')?.content);
  if (system.includes('MCP tools below')) return 'analyzer';
  if (system.includes('You are the planner')) return 'planner';
  if (system.includes('deduplication judge')) return 'judge';
  return 'other';
}

describe('agent pipeline over real ZeroMQ with a real stdio MCP server (the test plays main)', () => {
  let work: string;
  let serverJs: string;
  let fake: FakeOpenAi;
  let ctx: BootContext;
  let app: NestFastifyApplication;
  let push: Push;
  let pull: Pull;
  let events: Event[];
  const replies: Record<'analyzer' | 'planner' | 'judge', Reply[]> = { analyzer: [], planner: [], judge: [] };
  const calls = (who: string) => fake.requests.filter((r) => r.path.endsWith('/chat/completions') && callerOf(r.body ?? {}) === who);
  const http = (path: string, json?: unknown) =>
    fetch(`http://127.0.0.1:${ctx.env.ports.agent}${path}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
  const of = (type: string) => events.filter((e) => e.event_type === type);
  const collapse = (xs: string[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
  const updatesOf = (id: string) => of('task_update').filter((e) => (e.task as { id: string }).id === id).map((e) => (e.task as { status: string }).status);
  const analyze = (text: string, eventId: string) =>
    push.send(JSON.stringify({ event_type: 'analyze_request', event_id: eventId, trigger: 'turn_end', lanlan_name: '小天', messages: [{ role: 'user', content: text }, { role: 'assistant', content: '好的' }], conversation_id: 'c'.repeat(32) }));
  const resultFor = async (n: number) => {
    await waitFor(() => of('task_result').length >= n, `task_result #${n}`, 30_000);
    return of('task_result')[n - 1];
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'neko-agent-pipeline-'));
    serverJs = join(work, 'mcp-test-server.cjs');
    buildSync({ entryPoints: [join(__dirname, '../support/mcp-test-server.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: serverJs, logLevel: 'silent' });
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    fake.script.defaultChat((body) => {
      const who = callerOf(body);
      const next = who === 'other' ? undefined : replies[who].shift();
      return { content: next ? JSON.stringify(next) : who === 'judge' ? '[null, false]' : 'ok' };
    });
    ctx = await testBootContext('agent');
    mkdirSync(ctx.dataFolder.configDir, { recursive: true });
    writeFileSync(join(ctx.dataFolder.root, 'mcp.json'), JSON.stringify({ mcpServers: { tests: { command: process.execPath, args: [serverJs] } } }));
    writeFileSync(
      ctx.dataFolder.configFile('core_config.json'),
      JSON.stringify({
        enableCustomApi: true,
        summaryModelUrl: fake.baseUrl, summaryModelId: 'fake-summary', summaryModelApiKey: 'sk-test',
        agentModelUrl: fake.baseUrl, agentModelId: 'fake-vision', agentModelApiKey: 'sk-test',
      }),
    );
    // Main's side of the bridge: PUSH 48963 (analyze), PULL 48962 (results).
    push = new Push({ linger: 0 });
    await push.bind(zmqEndpoint(ctx.env.ports.zmqAnalyzePush));
    pull = new Pull({ linger: 0 });
    await pull.bind(zmqEndpoint(ctx.env.ports.zmqAgentPush));
    events = [];
    void (async () => {
      for await (const [frame] of pull) events.push(JSON.parse(frame.toString()) as Event);
    })().catch(() => undefined);

    const moduleRef = await Test.createTestingModule({ imports: [AgentAppModule.register(ctx)] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
    await app.listen({ port: ctx.env.ports.agent, host: '127.0.0.1' });
    app.connectMicroservice({ strategy: createAgentBridgeStrategy(ctx.env) });
    await app.startAllMicroservices();

    expect((await http('/admin/control', { action: 'enable_analyzer' })).json).toMatchObject({ success: true, analyzer_enabled: true });
    expect((await http('/agent/flags', { mcp_enabled: true })).json).toMatchObject({ success: true, agent_flags: { mcp_enabled: true } });
    const status = app.get(AgentStatusService);
    await waitFor(() => status.isChannelUsable('mcp'), 'mcp usable', 20_000);
  });
  afterAll(async () => {
    await app?.close();
    push?.close();
    pull?.close();
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    events.length = 0;
  });

  it('acks, lets the analyzer pick tests/notes_add, runs it and reports queued → running → completed and the result', async () => {
    replies.analyzer.push({ has_task: true, can_execute: true, task_description: '记一条笔记：买猫粮', tool_name: 'tests/notes_add', tool_args: { text: 'buy cat food' }, reason: 'note' });
    await analyze('帮我记一下：买猫粮', 'a'.repeat(32));
    await waitFor(() => of('analyze_ack').length === 1, 'ack');
    expect(of('analyze_ack')[0]).toEqual({ event_type: 'analyze_ack', lanlan_name: '小天', event_id: 'a'.repeat(32) });
    const result = await resultFor(1);
    expect(result).toMatchObject({ lanlan_name: '小天', channel: 'mcp', status: 'completed', success: true });
    expect(String(result.summary)).toContain('added note 1: buy cat food');
    const id = String(result.task_id);
    await waitFor(() => updatesOf(id).includes('completed'), 'terminal task_update');
    // Progress repeats 'running'; collapsed, the statuses are exactly these, and the task has one result.
    expect(collapse(updatesOf(id))).toEqual(['queued', 'running', 'completed']);
    expect(of('task_result').filter((e) => e.task_id === id)).toHaveLength(1);
    const task = await http(`/tasks/${id}`);
    expect(task.json).toMatchObject({ id, status: 'completed', type: 'mcp' });
    expect((task.json.actions as Array<{ stage: string }>).map((a) => a.stage)).toEqual(expect.arrayContaining(['calling']));
    // The server really stored it.
    const listed = await app.get(McpClientAdapter).execute({ action: 'tests/notes_list' });
    expect(listed.detail).toContain('buy cat food');
  });

  it('reports an isError tool result as a failed task', async () => {
    replies.analyzer.push({ has_task: true, can_execute: true, task_description: 'run the fail tool', tool_name: 'tests/fail', tool_args: {}, reason: 'asked' });
    await analyze('please run the fail tool', 'b'.repeat(32));
    const result = await resultFor(1);
    expect(result).toMatchObject({ channel: 'mcp', success: false });
    expect(['failed', 'partial']).toContain(result.status);
    expect(String(result.error_message)).toContain('this tool always fails');
    await waitFor(() => updatesOf(String(result.task_id)).includes('failed'), 'failed task_update');
    expect(collapse(updatesOf(String(result.task_id)))).toEqual(['queued', 'running', 'failed']);
    expect(of('task_result')).toHaveLength(1);
  });

  it('analyses once for a resent event_id and for the same user texts under a new id', async () => {
    const before = calls('analyzer').length;
    const inbox = app.get(AnalyzeInboxService);
    const pushedBefore = inbox.count;
    replies.analyzer.push({ has_task: false, can_execute: false, reason: 'small talk' });
    await analyze('今天好热啊', 'c'.repeat(32));
    await analyze('今天好热啊', 'c'.repeat(32)); // main's resend after a lost ack
    await analyze('今天好热啊', 'd'.repeat(32)); // another turn end with the same user text
    await waitFor(() => of('analyze_ack').length === 3, 'three acks');
    // The bridge hands a request to the pipeline as it acks it (the resend is absorbed by its event_id).
    await waitFor(() => inbox.count - pushedBefore === 2, 'two requests accepted');
    await app.get(AnalyzePipelineService).idle();
    expect(calls('analyzer').length - before).toBe(1);
    expect(of('task_result')).toEqual([]);
  });

  it('dedupes near-duplicate plan submissions within the window; a different one is a second task', async () => {
    const runner = app.get(TaskRunnerService);
    replies.planner.push({ done: true, answer: 'nothing to do' }, { done: true, answer: 'nothing to do' });
    const goal = { channel: 'mcp' as const, request: {}, lanlan_name: '小天', plan: true };
    const first = await runner.submit({ ...goal, description: 'add a note saying water the plants and then list my notes' });
    const again = await runner.submit({ ...goal, description: 'Add a note saying: water the plants, and then list my notes!' });
    const other = await runner.submit({ ...goal, description: 'tell me what time the clock tool says' });
    expect(first.status).toBe('queued');
    expect(again).toEqual({ status: 'duplicate', matched_id: first.status === 'queued' ? first.task.id : null });
    expect(other.status).toBe('queued');
    await resultFor(2);
    replies.planner.length = 0;
  });

  it('drops an analyzer plan that repeats an earlier one in other words; a clearly different one is a second task', async () => {
    const registry = app.get(TaskRegistryService);
    const idsBefore = new Set(registry.list().map((t) => t.id));
    const analyzerBefore = calls('analyzer').length;
    // Different user texts (different fingerprints), near-identical multi-step decisions, then a different one.
    replies.analyzer.push(
      { has_task: true, can_execute: true, multi_step: true, task_description: 'save a note about the dentist appointment on friday and then show all notes', reason: 'two calls' },
      { has_task: true, can_execute: true, multi_step: true, task_description: 'Save a note about the dentist appointment on Friday, and then show all notes!', reason: 'two calls' },
      { has_task: true, can_execute: true, multi_step: true, task_description: 'count how many words the longest note has and report the number', reason: 'two calls' },
    );
    // The first plan completes (a failed task would not count as a match), the third just answers.
    replies.planner.push(
      { channel: 'mcp', action: 'tests/notes_add', args: { text: 'dentist on friday' } },
      { done: true, answer: 'saved the dentist note' },
      { done: true, answer: 'nothing to count' },
    );
    await analyze('记一下周五看牙医，然后把笔记都列出来', 'f'.repeat(32));
    await analyze('帮我把周五牙医的事记下来，再给我看看所有笔记', '1'.repeat(32));
    await analyze('最长的那条笔记有多少个词？', '2'.repeat(32));
    await waitFor(() => calls('analyzer').length - analyzerBefore === 3, 'three analyses');
    await app.get(AnalyzePipelineService).idle();
    const created = registry.list().filter((t) => !idsBefore.has(t.id));
    expect(created.map((t) => t.params?.instruction).sort()).toEqual([
      'count how many words the longest note has and report the number',
      'save a note about the dentist appointment on friday and then show all notes',
    ]);
    expect(created.every((t) => t.params?.plan === true)).toBe(true);
    await resultFor(2);
    expect(of('task_result')).toHaveLength(2);
    replies.planner.length = 0;
  });

  it('runs a multi-step plan: notes_add, then notes_list seeing the first result, then the answer', async () => {
    replies.analyzer.push({ has_task: true, can_execute: true, multi_step: true, task_description: 'add "feed the cat" and show all notes', tool_name: '', reason: 'two calls' });
    replies.planner.push(
      { channel: 'mcp', action: 'tests/notes_add', args: { text: 'feed the cat' } },
      { channel: 'mcp', action: 'tests/notes_list', args: {} },
      { done: true, answer: 'Notes now: buy cat food, feed the cat' },
    );
    const plannerBefore = calls('planner').length;
    await analyze('记下喂猫，然后给我看所有笔记', 'e'.repeat(32));
    const result = await resultFor(1);
    expect(result).toMatchObject({ channel: 'mcp', status: 'completed', success: true });
    expect(String(result.summary)).toContain('Notes now: buy cat food, feed the cat');
    const rounds = calls('planner').slice(plannerBefore);
    expect(rounds).toHaveLength(3);
    const userOf = (i: number) => String((rounds[i].body!.messages as Array<{ content: string }>)[1].content);
    expect(userOf(1)).toMatch(/added note \d+: feed the cat/);
    expect(userOf(2)).toContain('feed the cat');
    const stages = of('task_update').map((e) => (e.task as { stage?: string }).stage).filter(Boolean);
    expect(stages).toContain('plan_step');
  });
});
