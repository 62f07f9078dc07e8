import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Test } from '@nestjs/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreConfigService } from '../../src/shared/config/core-config.service';
import { dataFolderAt } from '../../src/shared/data/data-folder';
import { ConfigModule } from '../../src/shared/config/config.module';
import { OpenAiLlmSessionFactory } from '../../src/main/llm/llm-session.factory';
import { LLM_SESSION_FACTORY, LlmError, type LlmSessionEvents, type LlmSessionFactory } from '../../src/main/llm/llm-session.port';
import { LlmModule } from '../../src/main/llm/llm.module';
import { OpenAiChatCompletionAdapter } from '../../src/shared/llm/openai-chat-completion.adapter';
import { OpenAiTextSession } from '../../src/main/llm/openai-text.session';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { testBootContext } from '../support/boot-context';

type Ev = [string, ...unknown[]];

/** Records every session event as [name, ...args]. */
function recorder(): { log: Ev[]; events: LlmSessionEvents; deltas: () => string; names: (n: string) => Ev[] } {
  const log: Ev[] = [];
  const rec = (name: string) => (...args: unknown[]) => void log.push([name, ...args.map((a) => (Buffer.isBuffer(a) ? a.length : a))]);
  const names = ['textDelta', 'outputTranscript', 'audioDelta', 'inputTranscript', 'speechStarted', 'newMessage', 'responseDone', 'connectionError', 'notice', 'repetition', 'silenceTimeout'] as const;
  const events = Object.fromEntries(names.map((n) => [n, rec(n)])) as unknown as LlmSessionEvents;
  return {
    log,
    events,
    deltas: () => log.filter((e) => e[0] === 'textDelta').map((e) => e[1]).join(''),
    names: (n) => log.filter((e) => e[0] === n),
  };
}

const KEY = 'sk-text';
const messagesOf = (fake: FakeOpenAi, i: number) => fake.requests.filter((r) => r.path.endsWith('/chat/completions'))[i]?.body?.messages as { role: string; content: unknown }[];

describe('text-mode LLM session against the fake provider (spec §6.5)', () => {
  let fake: FakeOpenAi;
  const adapter = new OpenAiChatCompletionAdapter();
  const session = (r: ReturnType<typeof recorder>) =>
    new OpenAiTextSession(
      adapter,
      { correction: { model: 'gpt-5-chat-latest', apiKey: KEY, baseUrl: fake.baseUrl }, vision: { model: 'vision-x', apiKey: KEY, baseUrl: fake.baseUrl, extraBody: { enable_thinking: false } }, retryDelaysMs: [10, 20] },
      r.events,
    );

  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: KEY });
  });
  afterEach(() => fake.close());

  it('streams a reply as deltas (first flagged), with temperature 1 and the growing history', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('你是猫娘。', { nativeAudio: false });
    fake.script.chat({ content: '你好，主人！今天过得怎么样？', chunkSize: 3 }, { content: '好的' });
    await s.streamText('你好');
    expect(r.deltas()).toBe('你好，主人！今天过得怎么样？');
    const deltas = r.names('textDelta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d[2])).toEqual([true, ...deltas.slice(1).map(() => false)]);
    expect(r.log[0]).toEqual(['inputTranscript', '你好']);
    expect(r.log[r.log.length - 1]).toEqual(['responseDone']);
    expect(fake.requests[0].body).toMatchObject({ model: 'gpt-5-chat-latest', temperature: 1, stream: true });
    await s.streamText('再见');
    expect(messagesOf(fake, 1)).toEqual([
      { role: 'system', content: '你是猫娘。' },
      { role: 'user', content: '你好' },
      { role: 'assistant', content: '你好，主人！今天过得怎么样？' },
      { role: 'user', content: '再见' },
    ]);
    await s.close();
  });

  it('removes <think> blocks and stops at the second |', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    fake.script.chat({ content: '<think>想一想…</think>喵 | 你好呀 | 主人: 我也好', chunkSize: 2 });
    await s.streamText('hi');
    expect(r.deltas()).toBe('喵 | 你好呀'); // the blank before the cut is never shown
    await s.streamText('next');
    expect(messagesOf(fake, 1)[2]).toEqual({ role: 'assistant', content: '喵 | 你好呀' });
  });

  it('sends queued images on the next turn and stays on the vision model', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    await s.streamImage('AAAA');
    await s.streamImage('BBBB');
    await s.streamText('');
    expect(fake.requests[0].body).toMatchObject({ model: 'vision-x', enable_thinking: false });
    expect(messagesOf(fake, 0)[1]).toEqual({
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,BBBB' } },
        { type: 'text', text: '请分析这些图片。' },
      ],
    });
    expect(r.names('inputTranscript')).toEqual([]);
    await s.streamText('and now?');
    expect(fake.requests[1].body).toMatchObject({ model: 'vision-x' });
  });

  it('retries 429 and a dropped stream with notices, then answers', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    fake.script.chat({ error: 429 }, { content: 'this stream is cut half way', disconnect: true }, { content: 'ok now' });
    await s.streamText('hi');
    expect(r.names('notice')).toEqual([['notice', '连接问题，正在重试...（第1次）'], ['notice', '连接问题，正在重试...（第2次）']]);
    expect(r.names('connectionError')).toEqual([]);
    expect(r.log[r.log.length - 1]).toEqual(['responseDone']);
    expect(fake.requests).toHaveLength(3);
    expect(r.deltas().endsWith('ok now')).toBe(true);
    expect(r.names('responseDone')).toHaveLength(1);
  });

  it('gives up after 3 attempts; a 401 fails at once', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    fake.script.chat({ error: 503, times: 3 });
    await s.streamText('hi');
    const [failure] = r.names('connectionError');
    expect(String(failure[1])).toMatch(/^LLM调用失败，已重试3次: /);
    expect(r.names('notice')).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);

    const r2 = recorder();
    const bad = new OpenAiTextSession(adapter, { correction: { model: 'm', apiKey: 'sk-wrong', baseUrl: fake.baseUrl }, vision: { model: 'v', apiKey: 'sk-wrong', baseUrl: fake.baseUrl } }, r2.events);
    await bad.connect('sys', { nativeAudio: false });
    fake.clearRequests();
    await bad.streamText('hi');
    expect(String(r2.names('connectionError')[0][1])).toMatch(/^Error in text streaming: 401/);
    expect(r2.names('notice')).toEqual([]);
    expect(r2.log[r2.log.length - 1]).toEqual(['responseDone']);
    expect(fake.requests).toHaveLength(1);
  });

  it('a new turn stops the streaming reply; its partial text stays in the history', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    fake.script.chat({ content: '一二三四五六七八九十'.repeat(5), chunkSize: 2, chunkDelayMs: 30 }, { content: 'second' });
    const first = s.streamText('tell me a long story');
    while (r.names('textDelta').length < 2) await new Promise((res) => setTimeout(res, 5));
    await s.streamText('stop');
    await first;
    const partial = messagesOf(fake, 1)[2];
    expect(partial.role).toBe('assistant');
    expect(String(partial.content).length).toBeGreaterThan(0);
    expect(String(partial.content).length).toBeLessThan(50);
    expect(r.names('responseDone')).toHaveLength(2);
    expect(r.deltas().endsWith('second')).toBe(true);
  });

  it('a system report (createResponse) waits for the reply in progress instead of cutting it', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    const long = '一二三四五六七八九十'.repeat(3);
    fake.script.chat({ content: long, chunkSize: 2, chunkDelayMs: 10 }, { content: '报告完毕' });
    const first = s.streamText('hi');
    while (r.names('textDelta').length < 2) await new Promise((res) => setTimeout(res, 5));
    await s.createResponse('SYSTEM_MESSAGE | 任务完成', { skipped: false });
    await first;
    expect(r.deltas()).toBe(`${long}报告完毕`);
    expect(messagesOf(fake, 1).slice(-2)).toEqual([{ role: 'assistant', content: long }, { role: 'system', content: '任务完成' }]);
  });

  it('createResponse adds a system message (prefix stripped) and answers when not skipped; context is bounded', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    await s.createResponse('SYSTEM_MESSAGE | 用户回来了', { skipped: true });
    expect(fake.requests).toHaveLength(0);
    for (const c of ['c1', 'c2', 'c3', 'c4']) await s.addContext(c);
    fake.script.chat({ content: '任务完成了喵' });
    await s.createResponse('SYSTEM_MESSAGE | 任务结果: 完成', { skipped: false });
    expect(r.deltas()).toBe('任务完成了喵');
    expect(messagesOf(fake, 0)).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'system', content: '用户回来了' },
      { role: 'system', content: 'c2' },
      { role: 'system', content: 'c3' },
      { role: 'system', content: 'c4' },
      { role: 'system', content: '任务结果: 完成' },
    ]);
  });

  it('reports a looping model and truncates the history to the system prompt', async () => {
    const r = recorder();
    const s = session(r);
    await s.connect('sys', { nativeAudio: false });
    fake.script.defaultChat(() => ({ content: '我是一只可爱的猫娘，喜欢和主人聊天。' }));
    for (const t of ['a', 'b', 'c']) await s.streamText(t);
    expect(r.names('repetition')).toHaveLength(1);
    await s.streamText('d');
    expect(messagesOf(fake, 3)).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'd' },
    ]);
  });
});

describe('OpenAiLlmSessionFactory (core_config.json on disk)', () => {
  let fake: FakeOpenAi;
  let root: string;
  let core: CoreConfigService;
  const write = (cfg: Record<string, unknown>) => writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(cfg));

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    root = mkdtempSync(join(tmpdir(), 'neko-llm-'));
    const folder = dataFolderAt(root);
    mkdirSync(folder.configDir, { recursive: true });
    core = new CoreConfigService(folder);
  });
  afterEach(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses without a usable endpoint, then uses a keyless loopback custom tier saved later', async () => {
    const factory = new OpenAiLlmSessionFactory(core, new OpenAiChatCompletionAdapter());
    write({ coreApi: 'qwen', assistApi: 'qwen' });
    const err = await factory.create({ mode: 'text', lanlanName: 'Neko' }, recorder().events).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('not_configured');

    write({ coreApi: 'qwen', assistApi: 'local', enableCustomApi: true, correctionModelId: 'llama3.1:8b', correctionModelUrl: fake.baseUrl });
    const r = recorder();
    const s = await factory.create({ mode: 'text', lanlanName: 'Neko' }, r.events);
    await s.connect('sys', { nativeAudio: false });
    fake.script.chat({ content: 'local hello' });
    await s.streamText('hi');
    expect(r.deltas()).toBe('local hello');
    expect(fake.requests[0].body).toMatchObject({ model: 'llama3.1:8b' });
    expect(fake.requests[0].headers.authorization).toBe('Bearer none');
  });

  it('voice mode with the local provider is not configured, with a clear message', async () => {
    const factory = new OpenAiLlmSessionFactory(core, new OpenAiChatCompletionAdapter());
    write({ coreApi: 'local', assistApi: 'local' });
    expect(await factory.coreApiType()).toBe('local');
    const err = (await factory.create({ mode: 'audio', lanlanName: 'Neko' }, recorder().events).catch((e: unknown) => e)) as LlmError;
    expect([err.kind, err.message]).toEqual(['not_configured', expect.stringContaining('voice mode needs a realtime provider')]);
    write({ coreApi: 'qwen' });
    const noKey = (await factory.create({ mode: 'audio', lanlanName: 'Neko' }, recorder().events).catch((e: unknown) => e)) as LlmError;
    expect(noKey.kind).toBe('not_configured');
  });

  it('LlmModule provides the factory through Nest, reading the data folder', async () => {
    const ctx = await testBootContext('main');
    mkdirSync(ctx.dataFolder.configDir, { recursive: true });
    writeFileSync(ctx.dataFolder.configFile('core_config.json'), JSON.stringify({ coreApi: 'openai', coreApiKey: 'sk-x', assistApi: 'openai' }));
    const app = await Test.createTestingModule({ imports: [ConfigModule.forRoot(ctx), LlmModule] }).compile();
    await app.init();
    try {
      const factory = app.get<LlmSessionFactory>(LLM_SESSION_FACTORY);
      expect(await factory.coreApiType()).toBe('openai');
      const s = await factory.create({ mode: 'audio', lanlanName: 'Neko' }, recorder().events);
      expect(s.mode).toBe('audio');
      expect(s.isOpen).toBe(false);
    } finally {
      await app.close();
      rmSync(ctx.dataFolder.root, { recursive: true, force: true });
    }
  });
});
