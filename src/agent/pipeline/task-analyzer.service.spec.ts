import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { dataFolderAt } from '../../shared/data/data-folder';
import { OpenAiChatCompletionAdapter } from '../../shared/llm/openai-chat-completion.adapter';
import type { AgentChannel, AgentChannelAdapter, ChannelAction, ChannelDescription, ChannelRequest, ChannelResult } from '../adapters/agent-channel.port';
import { AgentLlmService } from '../llm/agent-llm.service';
import { TaskAnalyzerService, renderConversation, type AnalyzeInput } from './task-analyzer.service';
import { toolCatalogue } from './task-analyzer.prompts';

/** A stand-in channel (an external port): fixed actions, records requests. */
class StubChannel implements AgentChannelAdapter {
  constructor(
    readonly channel: AgentChannel,
    private readonly actions: ChannelAction[] = [],
    private readonly hang = false,
  ) {}
  readiness() {
    return Promise.resolve({ ready: true, reason: '' });
  }
  describe(): Promise<ChannelDescription> {
    if (this.hang) return new Promise(() => undefined);
    return Promise.resolve({ channel: this.channel, actions: this.actions, problems: [] });
  }
  execute(_request: ChannelRequest): Promise<ChannelResult> {
    return Promise.resolve({ success: true, summary: 'ok', detail: '' });
  }
}

const ADD: ChannelAction = {
  name: 'calc/add',
  description: 'Adds two numbers',
  inputSchema: { type: 'object', properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } }, required: ['a'] },
};
const WEATHER: ChannelAction = { name: 'weather/forecast', description: 'Weather forecast for a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } };

const input = (...texts: string[]): AnalyzeInput => ({
  lanlan_name: 'Neko',
  messages: texts.map((text, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', text })),
});

type Route = 'mcp' | 'browser' | 'desktop';
const routeOf = (body: Record<string, unknown>): Route => {
  const system = String((body.messages as Array<{ content: string }>)[0].content);
  return system.includes('MCP tools') ? 'mcp' : system.includes('web browser') ? 'browser' : 'desktop';
};

describe('TaskAnalyzerService (fake OpenAI summary tier)', () => {
  let fake: FakeOpenAi;
  let root: string;
  let analyzer: TaskAnalyzerService;
  const answers: Partial<Record<Route, unknown>> = {};
  const chats = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));
  const writeConfig = (cfg: Record<string, unknown>) => writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(cfg));
  const mcp = new StubChannel('mcp', [ADD, WEATHER]);
  const browser = new StubChannel('browser_use');
  const desktop = new StubChannel('computer_use');

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    root = mkdtempSync(join(tmpdir(), 'neko-analyzer-'));
    mkdirSync(join(root, 'config'), { recursive: true });
    writeConfig({ enableCustomApi: true, summaryModelUrl: fake.baseUrl, summaryModelId: 'fake-summary', summaryModelApiKey: 'sk-test' });
    const llm = new AgentLlmService(new CoreConfigService(dataFolderAt(root)), new OpenAiChatCompletionAdapter(), { retryDelaysMs: [1] });
    analyzer = new TaskAnalyzerService(llm);
    for (const k of Object.keys(answers)) delete answers[k as Route];
    fake.script.defaultChat((body) => {
      const a = answers[routeOf(body)];
      if (a === undefined) return { content: '{"has_task": false, "reason": "nothing to do"}' };
      if (typeof a === 'object' && a !== null && 'error' in a) return a as { error: number };
      return { content: typeof a === 'string' ? a : JSON.stringify(a) };
    });
  });
  afterEach(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('turns an MCP decision into a tool request, with the catalogue and the conversation in the prompt', async () => {
    answers.mcp = { has_task: true, can_execute: true, task_description: 'add 2 and 3', tool_name: 'calc/add', tool_args: { a: 2, b: 3 }, reason: 'asked to add' };
    const texts = Array.from({ length: 12 }, (_, i) => `message ${i}`);
    const out = await analyzer.analyze(input(...texts, 'please add 2 and 3'), [mcp]);
    expect(out).toEqual({
      decision: { channel: 'mcp', description: 'add 2 and 3', request: { action: 'calc/add', args: { a: 2, b: 3 }, userRequest: 'please add 2 and 3' }, plan: false, reason: 'asked to add' },
      reason: 'MCP: asked to add',
      errors: [],
    });
    const body = chats()[0].body!;
    expect(body).toMatchObject({ model: 'fake-summary', temperature: 0, max_tokens: 600 });
    const [system, user] = body.messages as Array<{ content: string }>;
    expect(system.content).toContain('- calc/add: Adds two numbers\n    - a: number (required) — first\n    - b: number (optional)');
    expect(user.content.startsWith('LATEST_USER_REQUEST: please add 2 and 3\n\n')).toBe(true);
    expect(user.content).not.toContain('message 2\n');
    expect(user.content).toContain('assistant: message 3\nuser: message 4');
  });

  it('assesses every channel in parallel and picks MCP over browser use over computer use', async () => {
    answers.browser = { has_task: true, can_execute: true, task_description: 'open the weather site', reason: 'web task' };
    answers.desktop = { has_task: true, can_execute: true, task_description: 'open the weather app', reason: 'desktop task' };
    const out = await analyzer.analyze(input('what is the weather in Paris?'), [desktop, browser, mcp]);
    expect(out.decision).toEqual({ channel: 'browser_use', description: 'open the weather site', request: { instruction: 'open the weather site', userRequest: 'what is the weather in Paris?' }, plan: false, reason: 'web task' });
    expect(out.reason).toBe('MCP: nothing to do | BrowserUse: web task | ComputerUse: desktop task');
    expect(chats().map((r) => r.body?.max_tokens).sort()).toEqual([400, 400, 600]);

    answers.mcp = { has_task: 'true', can_execute: 'True', task_description: 'forecast for Paris', tool_name: 'forecast', tool_args: '{"city": "Paris"}' };
    const again = await analyzer.analyze(input('what is the weather in Paris?'), [desktop, browser, mcp]);
    expect(again.decision?.request).toEqual({ action: 'weather/forecast', args: { city: 'Paris' }, userRequest: 'what is the weather in Paris?' });
  });

  it('does not execute an unknown tool, unusable arguments or a task it cannot do', async () => {
    answers.mcp = { has_task: true, can_execute: true, tool_name: 'calc/multiply', tool_args: {}, reason: 'multiply' };
    answers.desktop = { has_task: true, can_execute: false, reason: 'needs a phone' };
    const out = await analyzer.analyze(input('multiply 2 by 3'), [mcp, desktop]);
    expect(out.decision).toBeNull();
    expect(out.reason).toBe('MCP: multiply (unknown tool "calc/multiply") | ComputerUse: needs a phone (cannot execute)');

    answers.mcp = { has_task: true, can_execute: true, tool_name: 'calc/add', tool_args: '[1, 2]', reason: 'add' };
    expect((await analyzer.analyze(input('add'), [mcp])).reason).toBe('MCP: add (tool_args is not a JSON object)');
  });

  it('a multi-step MCP decision becomes a plan with the description as instruction; missing fields are tolerated', async () => {
    answers.mcp = { has_task: true, can_execute: true, multi_step: true, task_description: 'add 2 and 3, then get the forecast' };
    const out = await analyzer.analyze(input('add 2 and 3 and then tell me the weather'), [mcp]);
    expect(out.decision).toMatchObject({ channel: 'mcp', plan: true, request: { instruction: 'add 2 and 3, then get the forecast', userRequest: 'add 2 and 3 and then tell me the weather' }, reason: 'task found' });

    answers.browser = '```json\n{"has_task": true, "can_execute": true}\n```';
    const bu = await analyzer.analyze(input('find a cheap flight to Tokyo'), [browser]);
    expect(bu.decision).toMatchObject({ channel: 'browser_use', description: 'find a cheap flight to Tokyo', request: { instruction: 'find a cheap flight to Tokyo' } });
  });

  it('a failed assessment counts as no decision and is reported in errors', async () => {
    answers.mcp = { error: 400 };
    answers.browser = 'I would rather not say.';
    answers.desktop = { has_task: true, can_execute: true, task_description: 'open notepad', reason: 'desktop' };
    const out = await analyzer.analyze(input('open notepad'), [mcp, browser, desktop]);
    expect(out.decision).toMatchObject({ channel: 'computer_use', description: 'open notepad' });
    expect(out.errors).toHaveLength(2);
    expect(out.errors[0]).toMatch(/^MCP assessment failed: .*400/);
    expect(out.errors[1]).toMatch(/^BrowserUse assessment failed: .*not JSON/);
    expect(out.reason).toMatch(/^MCP: Assessment error: .* \| BrowserUse: Assessment error: .* \| ComputerUse: desktop$/);
  });

  it('reports a summary tier that is not configured', async () => {
    writeConfig({ coreApi: 'qwen', assistApi: 'qwen' });
    const out = await analyzer.analyze(input('open notepad'), [desktop]);
    expect(out.decision).toBeNull();
    expect(out.errors).toEqual([expect.stringContaining('AGENT_KEY_NOT_CONFIGURED')]);
    expect(chats()).toHaveLength(0);
  });

  it('asks nothing without a user text, without channels or without MCP tools', async () => {
    expect(await analyzer.analyze({ lanlan_name: 'Neko', messages: [{ role: 'assistant', text: 'hi' }, { role: 'user', text: '  ' }] }, [mcp])).toEqual({
      decision: null,
      reason: 'no user request',
      errors: [],
    });
    expect((await analyzer.analyze(input('hi'), [])).decision).toBeNull();
    expect(await analyzer.analyze(input('hi'), [new StubChannel('mcp')])).toEqual({ decision: null, reason: 'MCP: no tools available', errors: [] });
    expect(chats()).toHaveLength(0);
  });

  it('a cancelled analysis is no decision and no error', async () => {
    fake.script.chat({ content: '{}', delayMs: 10_000 });
    const ctrl = new AbortController();
    const pending = analyzer.analyze(input('open notepad'), [desktop], ctrl.signal);
    setTimeout(() => ctrl.abort(), 50);
    expect(await pending).toEqual({ decision: null, reason: 'ComputerUse: cancelled', errors: [] });
  });

  it('a hanging MCP describe() ends at its time limit as an assessment error, or at once when cancelled', async () => {
    const stuck = new StubChannel('mcp', [ADD], true);
    analyzer.describeTimeoutMs = 50;
    const out = await analyzer.analyze(input('add 2 and 3'), [stuck, desktop]);
    expect(out.decision).toBeNull();
    expect(out.errors).toEqual(['MCP assessment failed: listing the MCP tools took longer than 50 ms']);
    expect(out.reason).toMatch(/^MCP: Assessment error: listing the MCP tools took longer than 50 ms \| ComputerUse: /);

    analyzer.describeTimeoutMs = 60_000;
    const ctrl = new AbortController();
    const pending = analyzer.analyze(input('add 2 and 3'), [stuck], ctrl.signal);
    ctrl.abort();
    expect(await pending).toEqual({ decision: null, reason: 'MCP: cancelled', errors: [] });
  });

  it('accepts the same yes/no spellings for every field', async () => {
    answers.desktop = { has_task: 'yes', can_execute: 1, task_description: 'open notepad' };
    expect((await analyzer.analyze(input('open notepad'), [desktop])).decision).toMatchObject({ channel: 'computer_use', description: 'open notepad' });
  });
});

describe('analyzer prompt pieces', () => {
  it('renders LATEST_USER_REQUEST and skips empty messages', () => {
    expect(renderConversation([{ role: 'user', text: 'a' }, { role: 'assistant', text: '' }, { role: 'user', text: 'b' }, { role: 'assistant', text: 'ok' }])).toBe(
      'LATEST_USER_REQUEST: b\n\nuser: a\nuser: b\nassistant: ok',
    );
  });

  it('bounds the tool catalogue at whole tools', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ ...ADD, name: `s/tool_${i}`, description: 'x'.repeat(200) }));
    const text = toolCatalogue(many, 8000);
    expect(text.length).toBeLessThanOrEqual(8000);
    expect(text).toMatch(/- … \d+ more tools not shown$/);
  });
});
