import type { TestingModule } from '@nestjs/testing';
import type { FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { startAgentPipeline, type AgentPipelineHarness } from '../../../test/support/agent-pipeline.harness';
import { waitFor } from '../../../test/support/free-port';
import type { AgentChannel, AgentChannelAdapter, ChannelDescription, ChannelExecuteOptions, ChannelRequest, ChannelResult } from '../adapters/agent-channel.port';
import { AgentFlagsService } from '../state/agent-flags.service';
import { TaskActionLog } from '../tasks/task-action.log';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { TaskRegistryError, type TaskChange } from '../tasks/task-registry.types';
import { TaskRunnerService } from './task-runner.service';
import { MAX_STORED_ARGS_CHARS, TaskDroppedError } from './task-runner.types';
import { AgentStatusService } from '../state/agent-status.service';

type Run = (request: ChannelRequest, options: ChannelExecuteOptions) => Promise<ChannelResult>;

/** A channel the test drives (adapters are ports; the runner only sees the port). */
class TestChannel implements AgentChannelAdapter {
  readonly calls: ChannelRequest[] = [];
  run: Run = (r) => Promise.resolve({ success: true, summary: `did ${r.action ?? r.instruction ?? ''}`, detail: 'ok' });
  constructor(readonly channel: AgentChannel) {}
  readiness() {
    return Promise.resolve({ ready: true, reason: '' });
  }
  describe(): Promise<ChannelDescription> {
    return Promise.resolve({ channel: this.channel, actions: [], problems: [] });
  }
  execute(request: ChannelRequest, options: ChannelExecuteOptions = {}): Promise<ChannelResult> {
    this.calls.push(request);
    return this.run(request, options);
  }
}

/** Resolves when `signal` aborts (the way a well-behaved adapter ends a cancelled run). */
const untilAborted = (signal?: AbortSignal): Promise<ChannelResult> =>
  new Promise((resolve) => signal?.addEventListener('abort', () => resolve({ success: false, summary: 'cancelled', detail: '', error: 'cancelled' })));

describe('TaskRunnerService (real registry, deduper, results socket; test channels)', () => {
  let fake: FakeOpenAi;
  let moduleRef: TestingModule;
  let runner: TaskRunnerService;
  let registry: TaskRegistryService;
  let status: AgentStatusService;
  let harness: AgentPipelineHarness;
  let events: Array<Record<string, unknown>>;
  let changes: TaskChange[];
  const mcp = () => channels[0];
  const cu = () => channels[1];
  let channels: TestChannel[];

  beforeEach(async () => {
    channels = [new TestChannel('mcp'), new TestChannel('computer_use')];
    harness = await startAgentPipeline(channels);
    ({ fake, moduleRef, events } = harness);
    runner = moduleRef.get(TaskRunnerService);
    registry = moduleRef.get(TaskRegistryService);
    status = moduleRef.get(AgentStatusService);
    const flags = moduleRef.get(AgentFlagsService);
    flags.setAnalyzer(true);
    flags.set({ mcp_enabled: true, computer_use_enabled: true });
    changes = [];
    registry.onChange((c) => changes.push(c));
  });
  afterEach(() => harness.close());

  const results = () => events.filter((e) => e.event_type === 'task_result');
  const statuses = (id: string) => changes.filter((c) => c.task.id === id).map((c) => c.task.status);
  const submitMcp = (action: string, lanlan = '小天') =>
    runner.submit({ channel: 'mcp', description: `call ${action}`, request: { action }, lanlan_name: lanlan });

  it('runs one task at a time per channel in submission order, channels independently, and reports each result', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    mcp().run = async (r) => {
      order.push(`start ${r.action}`);
      if (r.action === 'a/first') await gate;
      order.push(`end ${r.action}`);
      return { success: true, summary: `done ${r.action}`, detail: `${r.action} output` };
    };
    const first = await submitMcp('a/first');
    const second = await submitMcp('a/second');
    const other = await runner.submit({ channel: 'computer_use', description: 'open the calculator', request: { instruction: 'open the calculator' }, lanlan_name: '小天' });
    expect([first.status, second.status, other.status]).toEqual(['queued', 'queued', 'queued']);
    if (first.status !== 'queued' || second.status !== 'queued' || other.status !== 'queued') return;
    await waitFor(() => registry.get(other.task.id)?.status === 'completed', 'computer_use task');
    expect(order).toEqual(['start a/first']);
    expect(registry.get(second.task.id)?.status).toBe('queued');
    release();
    await waitFor(() => results().length === 3, 'three task_results');
    expect(order).toEqual(['start a/first', 'end a/first', 'start a/second', 'end a/second']);
    expect(statuses(second.task.id)).toEqual(['queued', 'running', 'completed']);
    expect(first.task.params).toEqual({ instruction: 'call a/first', tool: 'a/first' });
    const firstResult = results().find((e) => e.task_id === first.task.id);
    expect(firstResult).toMatchObject({ channel: 'mcp', status: 'completed', success: true, lanlan_name: '小天' });
    expect(String(firstResult?.summary)).toContain('a/first output');
    const updates = events.filter((e) => e.event_type === 'task_update' && (e.task as { id: string }).id === second.task.id);
    expect(updates.map((e) => (e.task as { status: string }).status)).toEqual(['queued', 'running', 'completed']);
  });

  it('cancels a queued and a running task with exactly one cancelled task_result each, nothing when the adapter returns later', async () => {
    let seen: AbortSignal | undefined;
    let lateSuccess!: () => void;
    mcp().run = (_r, o) => {
      seen = o.signal;
      // Ignores the abort for a moment, then claims success: the cancellation must stand.
      return new Promise((resolve) => (lateSuccess = () => resolve({ success: true, summary: 'done anyway', detail: '' })));
    };
    const running = await submitMcp('a/slow');
    const queued = await submitMcp('a/next');
    if (running.status !== 'queued' || queued.status !== 'queued') throw new Error('not queued');
    await waitFor(() => registry.get(running.task.id)?.status === 'running', 'running');
    expect(runner.cancel(queued.task.id).status).toBe('cancelled');
    expect(runner.cancel(running.task.id).status).toBe('cancelled');
    expect(seen?.aborted).toBe(true);
    lateSuccess();
    await waitFor(() => !runner.queueDepth('mcp').running && results().length === 2, 'both finished');
    await new Promise((r) => setImmediate(r));
    expect(results().map((e) => e.task_id).sort()).toEqual([running.task.id, queued.task.id].sort());
    for (const e of results()) expect(e).toMatchObject({ status: 'failed', success: false, error_message: 'cancelled' });
    expect(results().find((e) => e.task_id === running.task.id)?.summary).toBe('你的任务"call a/slow"已取消');
    expect(registry.get(running.task.id)?.status).toBe('cancelled');
    expect(statuses(running.task.id)).toEqual(['queued', 'running', 'cancelled']);
    expect(statuses(queued.task.id)).toEqual(['queued', 'cancelled']);
    expect(() => runner.cancel(running.task.id)).toThrow(TaskRegistryError);
    expect(() => runner.cancel('no-such-task')).toThrow(expect.objectContaining({ code: 'TASK_NOT_FOUND' }));
    expect(mcp().calls.map((c) => c.action)).toEqual(['a/slow']);
  });

  it('end_all during a dedupe judge call drops the submission; MCP calls never wait behind that judge', async () => {
    cu().run = (_r, o) => untilAborted(o.signal);
    const first = await runner.submit({ channel: 'computer_use', description: 'play some jazz music', request: { instruction: 'play some jazz music' }, lanlan_name: '小天' });
    expect(first.status).toBe('queued');
    fake.script.chat({ content: '[null, false]', delayMs: 1_500 });
    const judged = runner.submit({ channel: 'computer_use', description: 'play some music', request: { instruction: 'play some music' }, lanlan_name: '小天' });
    let judgedSettled = false;
    judged.then(() => (judgedSettled = true), () => (judgedSettled = true));
    await waitFor(() => fake.requests.some((r) => r.path.endsWith('/chat/completions')), 'judge call');
    const quick = await submitMcp('notes/clock');
    expect(quick.status).toBe('queued');
    expect(judgedSettled).toBe(false);
    await runner.endAll(2_000);
    await expect(judged).rejects.toBeInstanceOf(TaskDroppedError);
    expect(registry.list().map((t) => t.params?.instruction)).not.toContain('play some music');
  });

  it('drops a computer-use repeat of a queued task but runs two MCP calls of the same tool', async () => {
    cu().run = (_r, o) => untilAborted(o.signal);
    const text = 'open the browser and search for the weather in Paris';
    const a = await runner.submit({ channel: 'computer_use', description: text, request: { instruction: text }, lanlan_name: '小天' });
    const b = await runner.submit({ channel: 'computer_use', description: 'Open the browser and search for the weather in Paris!', request: { instruction: text }, lanlan_name: '小天' });
    expect(a.status).toBe('queued');
    expect(b).toEqual({ status: 'duplicate', matched_id: a.status === 'queued' ? a.task.id : null });
    const x = await submitMcp('notes/clock');
    const y = await submitMcp('notes/clock');
    expect([x.status, y.status]).toEqual(['queued', 'queued']);
    await runner.endAll();
    expect(registry.list({ status: ['queued', 'running'] })).toEqual([]);
  });

  it('drops an analyzer task whose channel went off while it waited (one task_result), runs API tasks, fails an unready one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    mcp().run = async (r) => {
      if (r.action === 'a/boom') throw new Error('adapter bug');
      if (r.action === 'a/hold') await gate;
      return { success: true, summary: 'ok', detail: '' };
    };
    await status.refreshCapabilities();
    const first = await submitMcp('a/hold');
    const skipped = await runner.submit({ channel: 'mcp', description: 'call a/never', request: { action: 'a/never' }, lanlan_name: '小天' }, { origin: 'analyzer' });
    const api = await submitMcp('a/api');
    if (first.status !== 'queued' || skipped.status !== 'queued' || api.status !== 'queued') throw new Error('not queued');
    moduleRef.get(AgentFlagsService).set({ mcp_enabled: false });
    release();
    await waitFor(() => registry.get(api.task.id)?.status === 'completed', 'API task ran');
    expect(registry.get(skipped.task.id)).toMatchObject({ status: 'cancelled', error: 'mcp disabled' });
    await waitFor(() => results().length === 3, 'three results');
    expect(results().filter((e) => e.task_id === skipped.task.id)).toHaveLength(1);
    expect(mcp().calls.map((c) => c.action)).toEqual(['a/hold', 'a/api']);
    const boom = await submitMcp('a/boom');
    if (boom.status !== 'queued') throw new Error('not queued');
    await waitFor(() => registry.get(boom.task.id)?.status === 'failed', 'failed');
    expect(registry.get(boom.task.id)?.error).toBe('adapter bug');
    await waitFor(() => results().some((e) => e.task_id === boom.task.id), 'failure result');
    expect(results().find((e) => e.task_id === boom.task.id)).toMatchObject({ status: 'failed', error_message: 'adapter bug' });
    mcp().readiness = () => Promise.resolve({ ready: false, reason: 'AGENT_MCP_NO_SERVERS' });
    const unready = await runner.runNow({ channel: 'mcp', description: 'call a/x', request: { action: 'a/x' }, lanlan_name: null });
    expect(unready.result).toMatchObject({ success: false, error: 'mcp not ready: AGENT_MCP_NO_SERVERS' });
    expect(unready.task.status).toBe('failed');
    await waitFor(() => results().some((e) => e.task_id === unready.task.id), 'unready result');
  });

  it('runs a plan on its own lane whose steps wait for their channel and are refused when it is off', async () => {
    await status.refreshCapabilities();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    mcp().describe = () =>
      Promise.resolve({ channel: 'mcp' as const, actions: [{ name: 'notes/open', description: 'open the notes', inputSchema: { type: 'object' } }], problems: [] });
    mcp().run = async (r) => {
      if (r.action === 'a/hold') await gate;
      return { success: true, summary: `did ${r.action}`, detail: '' };
    };
    const held = await submitMcp('a/hold');
    fake.script.chat({ content: '{"channel":"mcp","action":"notes/open","args":{}}' }, { content: '{"done":true,"answer":"notes are open"}' });
    const plan = await runner.submit({ channel: 'mcp', description: 'open my notes', request: { instruction: 'open my notes', userRequest: '帮我打开笔记' }, lanlan_name: null, plan: true }, { origin: 'analyzer' });
    if (held.status !== 'queued' || plan.status !== 'queued') throw new Error('not queued');
    // The plan runs (its own lane) while the MCP task holds the MCP lane; its MCP step waits for that lane.
    await waitFor(() => registry.get(plan.task.id)?.stage === 'plan_step', 'plan step');
    await new Promise((r) => setTimeout(r, 50));
    expect(mcp().calls.map((c) => c.action)).toEqual(['a/hold']);
    release();
    await waitFor(() => registry.get(plan.task.id)?.status === 'completed', 'plan completed');
    expect(mcp().calls.map((c) => c.action)).toEqual(['a/hold', 'notes/open']);
    // The step carries the user's own words from the submission, not the model's text.
    expect(mcp().calls[1]).toEqual({ action: 'notes/open', args: {}, userRequest: '帮我打开笔记' });
    // A plan without any usable channel fails instead of running on the submitted channel anyway.
    moduleRef.get(AgentFlagsService).set({ mcp_enabled: false, computer_use_enabled: false });
    const none = await runner.runNow({ channel: 'mcp', description: 'open my notes', request: { instruction: 'open my notes' }, lanlan_name: null, plan: true });
    expect(none.result).toMatchObject({ success: false, error: 'no channel is usable for this plan' });
  });

  it('keeps large MCP arguments only as a bounded preview, and refuses work once shut down', async () => {
    const big = { text: 'x'.repeat(MAX_STORED_ARGS_CHARS) };
    const small = await runner.submit({ channel: 'mcp', description: 'note', request: { action: 'a/n', args: { text: 'hi' } }, lanlan_name: null });
    const large = await runner.submit({ channel: 'mcp', description: 'note', request: { action: 'a/n', args: big }, lanlan_name: null });
    if (small.status !== 'queued' || large.status !== 'queued') throw new Error('not queued');
    expect(small.task.params).toEqual({ instruction: 'note', tool: 'a/n', args: { text: 'hi' } });
    expect(large.task.params?.args).toBeUndefined();
    expect(String(large.task.params?.args_preview)).toHaveLength(MAX_STORED_ARGS_CHARS);
    await waitFor(() => mcp().calls.length === 2, 'both ran');
    expect(mcp().calls[1].args).toEqual(big); // the adapter still gets the full arguments
    await runner.onModuleDestroy();
    await expect(submitMcp('a/late')).rejects.toBeInstanceOf(TaskDroppedError);
  });

  it('logs every action, throttles progress updates, and runNow resolves with the result', async () => {
    mcp().run = (_r, o) => {
      for (let i = 0; i < 20; i++) o.onProgress?.({ stage: 'action', message: `click #${i}` });
      o.onProgress?.({ stage: 'reading', message: 'page', progress: 0.5 });
      return Promise.resolve({ success: true, summary: 'clicked', detail: 'clicked 20 times' });
    };
    const { task, result } = await runner.runNow({ channel: 'mcp', description: 'click a lot', request: { action: 'a/click' }, lanlan_name: null });
    expect(result).toEqual({ success: true, summary: 'clicked', detail: 'clicked 20 times' });
    expect(task.status).toBe('completed');
    const log = moduleRef.get(TaskActionLog).list(task.id);
    expect(log.map((e) => e.message)).toEqual([...Array.from({ length: 20 }, (_, i) => `click #${i}`), 'page']);
    const progress = changes.filter((c) => c.task.id === task.id && c.task.status === 'running' && c.task.stage !== undefined);
    // The first action and the stage change go out; the 19 actions in between are throttled.
    expect(progress.map((c) => c.task.message)).toEqual(['click #0', 'page']);
    expect(progress[1].task.progress).toBe(0.5);
  });
});
