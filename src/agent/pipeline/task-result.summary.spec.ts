import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { dataFolderAt } from '../../shared/data/data-folder';
import { OpenAiChatCompletionAdapter } from '../../shared/llm/openai-chat-completion.adapter';
import type { ChannelResult } from '../adapters/agent-channel.port';
import { AgentLlmService } from '../llm/agent-llm.service';
import { boundCodePoints, codePointLength } from '../../shared/text/bounded-text.util';
import { UNTRUSTED_CLOSE, UNTRUSTED_OPEN, UNTRUSTED_RULE } from '../llm/untrusted-text.util';
import { TaskResultAnalyzer, taskResultEvent, type TaskResultInput } from './task-result.summary';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const base = (result: ChannelResult, extra: Partial<TaskResultInput> = {}): TaskResultInput => ({
  task_id: 't1',
  channel: 'browser_use',
  description: '查一下明天上海的天气',
  lanlan_name: '小天',
  result,
  now: NOW,
  ...extra,
});

describe('taskResultEvent', () => {
  it('phrases a success with and without detail, and without a description', () => {
    expect(taskResultEvent(base({ success: true, summary: 'done', detail: '明天多云，18 度' }))).toEqual({
      event_type: 'task_result',
      lanlan_name: '小天',
      text: '你的任务"查一下明天上海的天气"已完成：明天多云，18 度',
      task_id: 't1',
      channel: 'browser_use',
      status: 'completed',
      success: true,
      summary: '你的任务"查一下明天上海的天气"已完成：明天多云，18 度',
      detail: '明天多云，18 度',
      error_message: '',
      timestamp: '2026-12-01T10:00:00.000000Z',
    });
    expect(taskResultEvent(base({ success: true, summary: '', detail: '' })).summary).toBe('你的任务"查一下明天上海的天气"已完成');
    expect(taskResultEvent(base({ success: true, summary: '', detail: '' }, { description: '  ' })).summary).toBe('任务已完成');
    expect(taskResultEvent(base({ success: true, summary: '', detail: '明天多云' }, { description: '' })).summary).toBe('你的任务已完成：明天多云');
    expect(taskResultEvent(base({ success: true, summary: 'MCP tool calc/add succeeded: 5', detail: '' })).summary).toBe(
      '你的任务"查一下明天上海的天气"已完成：MCP tool calc/add succeeded: 5',
    );
  });

  it('phrases failures (partial when a detail exists) and cancellations', () => {
    const failed = taskResultEvent(base({ success: false, summary: '', detail: '', error: 'page did not load' }));
    expect(failed).toMatchObject({ status: 'failed', success: false, summary: '你的任务"查一下明天上海的天气"执行失败：page did not load', error_message: 'page did not load' });
    expect(failed.text).toBe(failed.summary);
    const partial = taskResultEvent(base({ success: false, summary: '', detail: 'found 2 of 3 results', error: 'timed out' }));
    expect(partial).toMatchObject({
      status: 'partial',
      success: false,
      summary: '你的任务"查一下明天上海的天气"已结束：found 2 of 3 results',
      detail: 'found 2 of 3 results',
      error_message: 'timed out',
    });
    const partialNoDesc = taskResultEvent(base({ success: false, summary: 'ignored', detail: 'found 2\nof 3', error: 'timed out' }, { description: '' }));
    expect(partialNoDesc).toMatchObject({ status: 'partial', summary: '你的任务已结束：found 2 of 3', error_message: 'timed out' });
    expect(taskResultEvent(base({ success: false, summary: '', detail: '' }, { description: '' })).summary).toBe('任务执行失败');
    expect(taskResultEvent(base({ success: false, summary: '', detail: '', error: 'no network' }, { description: '' })).summary).toBe('任务执行失败：no network');
    const cancelled = taskResultEvent(base({ success: false, summary: '', detail: '', error: 'cancelled' }, { cancelled: true }));
    expect(cancelled).toMatchObject({ summary: '你的任务"查一下明天上海的天气"已取消', status: 'failed', success: false, error_message: 'cancelled' });
  });

  it('bounds summary, detail, error and the quoted description in code points', () => {
    const emoji = '😀'.repeat(2000);
    const ev = taskResultEvent(base({ success: false, summary: '', detail: emoji, error: emoji }, { description: emoji }));
    expect(codePointLength(ev.detail)).toBe(1500);
    expect(codePointLength(ev.error_message ?? '')).toBe(500);
    expect(codePointLength(ev.summary)).toBe(500);
    expect(ev.summary.startsWith(`你的任务"${'😀'.repeat(49)}…"已结束：😀😀`)).toBe(true);
    expect(ev.status).toBe('partial');
    expect(ev.summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('TaskResultAnalyzer (fake OpenAI summary tier)', () => {
  let fake: FakeOpenAi;
  let root: string;
  let analyzer: TaskResultAnalyzer;
  const chats = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));
  const long = `明天上海多云转晴，最高气温 18 度，最低 11 度，东北风 3 级，空气质量良。${'逐小时预报：'.repeat(40)}`;

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    root = mkdtempSync(join(tmpdir(), 'neko-result-'));
    mkdirSync(join(root, 'config'), { recursive: true });
    writeFileSync(
      join(root, 'config', 'core_config.json'),
      JSON.stringify({ enableCustomApi: true, summaryModelUrl: fake.baseUrl, summaryModelId: 'fake-summary', summaryModelApiKey: 'sk-test' }),
    );
    analyzer = new TaskResultAnalyzer(new AgentLlmService(new CoreConfigService(dataFolderAt(root)), new OpenAiChatCompletionAdapter(), { retryDelaysMs: [1] }));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('condenses a long successful detail into one sentence after 已完成：, keeping the detail', async () => {
    fake.script.chat({ content: '<think>short</think>“明天上海多云转晴，18 度左右。”' });
    const ev = await analyzer.summarize(base({ success: true, summary: 'done', detail: long }));
    expect(ev.summary).toBe('你的任务"查一下明天上海的天气"已完成：明天上海多云转晴，18 度左右。');
    expect(ev.text).toBe(ev.summary);
    expect(ev.detail).toBe(long);
    const [system, user] = chats()[0].body!.messages as Array<{ content: string }>;
    expect(system.content).toContain('same language as the task description');
    expect(system.content).toContain(UNTRUSTED_RULE);
    expect(user.content).toContain('Task description: 查一下明天上海的天气');
    expect(user.content).toContain(`Result:\n${UNTRUSTED_OPEN}\n明天上海多云转晴`);
    expect(user.content.endsWith(`${UNTRUSTED_CLOSE}`)).toBe(true);
    expect(user.content).toContain('最高气温 18 度');
  });

  it('falls back to the template when the model only reasoned (unclosed <think>) or said nothing', async () => {
    fake.script.chat({ content: '<think>Okay, the user wants the weather, let me' }, { content: '“”' });
    const template = boundCodePoints(`你的任务"查一下明天上海的天气"已完成：${long}`, 500);
    expect((await analyzer.summarize(base({ success: true, summary: '', detail: long }))).summary).toBe(template);
    expect((await analyzer.summarize(base({ success: true, summary: '', detail: long }))).summary).toBe(template);
    expect(chats()).toHaveLength(2);
  });

  it('uses the template for short details, failures and a failing model', async () => {
    const short = await analyzer.summarize(base({ success: true, summary: '', detail: '明天多云' }));
    expect(short.summary).toBe('你的任务"查一下明天上海的天气"已完成：明天多云');
    const failed = await analyzer.summarize(base({ success: false, summary: '', detail: long, error: 'stopped' }));
    expect(failed.status).toBe('partial');
    expect(chats()).toHaveLength(0);

    fake.script.chat({ error: 400 });
    const fallback = await analyzer.summarize(base({ success: true, summary: '', detail: long }));
    expect(fallback.summary).toBe(boundCodePoints(`你的任务"查一下明天上海的天气"已完成：${long}`, 500));
    expect(chats()).toHaveLength(1);
  });
});
