import { createHash } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import type { FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { startAgentPipeline, type AgentPipelineHarness } from '../../../test/support/agent-pipeline.harness';
import { waitFor } from '../../../test/support/free-port';
import type { AnalyzeRequestEvent } from '../../shared/contracts/agent-bridge.contract';
import type { AgentChannelAdapter, ChannelExecuteOptions, ChannelRequest, ChannelResult } from '../adapters/agent-channel.port';
import { AnalyzeInboxService } from '../bridge/analyze-inbox.service';
import { AgentFlagsService } from '../state/agent-flags.service';
import { AgentStatusService } from '../state/agent-status.service';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { AnalyzePipelineService, normaliseMessages, requestFingerprint } from './analyze-pipeline.service';

/** An MCP-like channel with one tool (adapters are ports; this one stands in for a real server). */
class ClockChannel implements AgentChannelAdapter {
  readonly channel = 'mcp' as const;
  readonly calls: ChannelRequest[] = [];
  readiness() {
    return Promise.resolve({ ready: true, reason: '' });
  }
  describe() {
    return Promise.resolve({ channel: this.channel, actions: [{ name: 'tools/clock', description: 'Current time', inputSchema: { type: 'object' } }], problems: [] });
  }
  execute(request: ChannelRequest, _options?: ChannelExecuteOptions): Promise<ChannelResult> {
    this.calls.push(request);
    return Promise.resolve({ success: true, summary: 'MCP tool tools/clock succeeded', detail: '12:00' });
  }
}

const decision = { has_task: true, can_execute: true, task_description: 'tell the time', tool_name: 'tools/clock', tool_args: {}, reason: 'clock' };
const request = (text: string, id = 'e1'): AnalyzeRequestEvent => ({
  event_type: 'analyze_request',
  event_id: id,
  trigger: 'turn_end',
  lanlan_name: '小天',
  messages: [
    { role: 'user', content: text },
    { role: 'assistant', content: 'let me check' },
  ],
});

describe('normaliseMessages / requestFingerprint', () => {
  it('reads text before content, drops other roles and empty texts, bounds the list', () => {
    const out = normaliseMessages([
      { role: 'user', text: ' hi ', content: 'ignored' },
      { role: 'system', content: 'x' },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: 'hello' },
      'junk',
      null,
    ]);
    expect(out).toEqual([
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: 'hello' },
    ]);
    expect(normaliseMessages(Array.from({ length: 100 }, (_, i) => ({ role: 'user', content: `m${i}` })))).toHaveLength(20);
    expect(normaliseMessages('nope')).toEqual([]);
  });

  it('hashes the stripped user texts joined by newlines; no user text gives none', () => {
    const expected = createHash('sha256').update('a\nb', 'utf8').digest('hex');
    expect(requestFingerprint([{ role: 'user', text: ' a ' }, { role: 'assistant', text: 'z' }, { role: 'user', text: 'b' }])).toBe(expected);
    expect(requestFingerprint([{ role: 'assistant', text: 'only me' }])).toBeUndefined();
  });
});

describe('AnalyzePipelineService (fake OpenAI summary tier, real runner)', () => {
  let fake: FakeOpenAi;
  let moduleRef: TestingModule;
  let pipeline: AnalyzePipelineService;
  let inbox: AnalyzeInboxService;
  let clock: ClockChannel;
  let harness: AgentPipelineHarness;
  let events: Array<Record<string, unknown>>;
  const chats = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));

  beforeEach(async () => {
    clock = new ClockChannel();
    harness = await startAgentPipeline([clock]);
    ({ fake, moduleRef, events } = harness);
    pipeline = moduleRef.get(AnalyzePipelineService);
    inbox = moduleRef.get(AnalyzeInboxService);
    const flags = moduleRef.get(AgentFlagsService);
    flags.setAnalyzer(true);
    flags.set({ mcp_enabled: true });
    await moduleRef.get(AgentStatusService).refreshCapabilities();
  });
  afterEach(() => harness.close());

  it('analyses a request once per distinct user text and hands the decision to the runner', async () => {
    fake.script.chat({ content: JSON.stringify(decision) }, { content: JSON.stringify(decision) });
    inbox.push(request('what time is it?', 'e1'));
    inbox.push(request('what time is it?', 'e2')); // same user texts: absorbed
    await pipeline.idle();
    await waitFor(() => clock.calls.length === 1, 'tool call');
    expect(chats()).toHaveLength(1);
    expect(clock.calls[0]).toEqual({ action: 'tools/clock', args: {}, userRequest: 'what time is it?' });
    await waitFor(() => events.some((e) => e.event_type === 'task_result'), 'task_result');
    expect(events.find((e) => e.event_type === 'task_result')).toMatchObject({ channel: 'mcp', status: 'completed', lanlan_name: '小天' });

    inbox.push(request('and the time now?', 'e3'));
    await pipeline.idle();
    await waitFor(() => clock.calls.length === 2, 'second tool call');
    expect(chats()).toHaveLength(2);
    expect(moduleRef.get(TaskRegistryService).list()).toHaveLength(2);
  });

  it('does nothing while the analyzer is off or no channel is usable, and forgets fingerprints on reset', async () => {
    const flags = moduleRef.get(AgentFlagsService);
    flags.setAnalyzer(false);
    inbox.push(request('what time is it?'));
    await pipeline.idle();
    flags.setAnalyzer(true);
    flags.set({ mcp_enabled: false });
    inbox.push(request('what time is it?'));
    await pipeline.idle();
    expect(chats()).toHaveLength(0);
    flags.set({ mcp_enabled: true });
    // The fingerprint was stored by the skipped request; end_all clears it, so the same text runs again.
    inbox.push(request('what time is it?'));
    await pipeline.idle();
    expect(chats()).toHaveLength(0);
    await moduleRef.get(AgentStatusService).endAll();
    fake.script.chat({ content: JSON.stringify({ has_task: false, reason: 'small talk' }) });
    inbox.push(request('what time is it?'));
    await pipeline.idle();
    expect(chats()).toHaveLength(1);
    expect(clock.calls).toHaveLength(0);
  });

  it('keeps fingerprints per character and ignores a turn without user text', async () => {
    const noTask = { content: JSON.stringify({ has_task: false, reason: 'small talk' }) };
    fake.script.chat(noTask, noTask);
    inbox.push(request('what time is it?', 'a1'));
    inbox.push({ ...request('what time is it?', 'a2'), lanlan_name: '小雪' });
    inbox.push({ ...request('ignored', 'a3'), messages: [{ role: 'assistant', content: 'I was talking to myself' }] });
    await pipeline.idle();
    expect(chats()).toHaveLength(2);
    expect(clock.calls).toHaveLength(0);
  });

  it('tells the character when the assessment failed', async () => {
    fake.script.chat({ error: 400, message: 'bad model' });
    inbox.push(request('what time is it?'));
    await pipeline.idle();
    await waitFor(() => events.some((e) => e.event_type === 'agent_notification'), 'notification');
    const n = events.find((e) => e.event_type === 'agent_notification');
    expect(n).toMatchObject({ lanlan_name: '小天', source: 'brain', status: 'error' });
    expect(String(n?.text)).toMatch(/^⚠️ Agent评估失败: MCP assessment failed/);
    expect(String(n?.error_message)).toContain('MCP assessment failed');
    expect(clock.calls).toHaveLength(0);
  });
});
