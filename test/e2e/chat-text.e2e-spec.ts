import { Pull } from 'zeromq';
import { startFakeOpenAi, type FakeOpenAi, type RecordedRequest } from '../fake-openai/fake-openai.server';
import { speechPcm16 } from '../fake-openai/pcm-audio.util';
import { audioBytes, chatCompletions, chatCoreConfig, connectChat, isTurnEnd, lastUserText, replyText, requestText, routeChat, sleep, statusesIn, TTS_MODEL, VISION_MODEL, type ChatClient, type ChatEvent, ChatClients, writeCoreConfig } from '../support/chat-client.harness';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const NAME = '小天';
const PROMPT = '你是小天，阿明的猫娘。说话简短可爱。';
const NOT_CONFIGURED = '⚙️ 尚未配置可用的 AI 服务：请打开 API 设置页面 (/api_key) 填写 API Key，或选择本地模型 (local)。No AI provider is set up: open API settings (/api_key) and enter a key or choose the local provider.';
/** An 8×8 red JPEG (made with sharp). */
const JPEG = 'data:image/jpeg;base64,/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABgj/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCdABykX//Z';

jest.setTimeout(60_000);

let fake: FakeOpenAi;
let h: MainHarness;
const clients = new ChatClients();

const writeCore = (config: Record<string, unknown>) => writeCoreConfig(h.root, config);
const open = (): Promise<ChatClient> => clients.connect(h.baseUrl, NAME);

async function startText(c: ChatClient, newSession = false): Promise<void> {
  c.send('start_session', { input_type: 'text', new_session: newSession });
  expect(await c.next('session_preparing')).toEqual({ type: 'session_preparing', input_mode: 'text' });
  expect(await c.next('session_started')).toEqual({ type: 'session_started', input_mode: 'text' });
}

/** Sends one user text and returns everything up to the turn end. */
async function say(c: ChatClient, text: string): Promise<ChatEvent[]> {
  const from = c.mark();
  c.send('stream_data', { input_type: 'text', data: text });
  return c.collectUntil(isTurnEnd, { from });
}

/** Waits until no audio frame has arrived for `quietMs` (TTS may still speak after the turn end). */
async function audioSettled(c: ChatClient, quietMs = 1500, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = c.audio().at(-1)?.at ?? 0;
    if (c.audio().length > 0 && performance.now() - last >= quietMs) return;
    if (Date.now() > deadline) return;
    await sleep(100);
  }
}

/** 48 kHz bytes the app should send for the fake's speech answers (a 24 kHz tone per request, resampled ×2). */
function expectedSpeechBytes(requests: readonly RecordedRequest[]): number {
  return requests.reduce((n, r) => n + speechPcm16(inputOf(r), 50, Number(r.body?.speed ?? 1)).length * 2, 0);
}
const inputOf = (r: RecordedRequest): string => (typeof r.body?.input === 'string' ? r.body.input : '');
const speechRequests = (from = 0) => fake.requests.slice(from).filter((r) => r.path.endsWith('/audio/speech'));

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-test' });
  h = await startMainApp({ memory: true, coreConfig: chatCoreConfig(fake) });
}, 60_000);
afterEach(async () => {
  // As the UI's reset button does; a tab closed mid-session has its own test below.
  await clients.closeAll();
  fake.script.reset();
  writeCore(chatCoreConfig(fake));
});
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

describe('text chat over /ws/<name> (spec §4, §5.3, §5.5, §6.5)', () => {
  it('streams a reply with tags removed, speaks it with the offline voice, ends the turn', async () => {
    routeChat(fake.script, { 天气: { content: '你好呀主人，今<happy>天也要开心喵~', chunkSize: 7 } });
    const c = await open();
    await startText(c);
    const turn = await say(c, '今天天气怎么样？');
    const json = turn.flatMap((e) => (e.kind === 'json' ? [e.message] : []));
    expect(json[0]).toEqual({ type: 'user_activity' });
    const deltas = json.filter((m) => m.type === 'gemini_response');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.isNewMessage)).toEqual([true, ...deltas.slice(1).map(() => false)]);
    expect(replyText(turn)).toBe('你好呀主人，今天也要开心喵~');
    expect(json.at(-1)).toEqual({ type: 'system', data: 'turn end' });
    expect(statusesIn(turn)).toEqual([]);

    await audioSettled(c);
    const frames = c.audio();
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) {
      expect(f.bytes.length % 2).toBe(0);
      expect(f.bytes.length).toBeGreaterThan(4);
    }
    expect(audioBytes(c.events)).toBeGreaterThan(48_000 * 2 * 0.3); // at least 0.3 s of 48 kHz speech
    expect(speechRequests()).toEqual([]); // offline voice: the provider's speech endpoint is never used

    const body = chatCompletions(fake.requests).at(-1)!;
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    expect(messages[0].role).toBe('system');
    expect(requestText({ messages: [messages[0]] })).toContain(PROMPT);
    expect(requestText({ messages: [messages[0]] })).toContain('阿明 | 今天好累啊'); // the memory context: recent history of the fixture (spec §10.2)
    expect(messages.at(-1)!.role).toBe('user');
    expect(lastUserText(body)).toContain('今天天气怎么样？');

    c.send('end_session');
    await c.waitStatus(`${NAME}已离开。`);
  });

  it('removes a tag that spans two stream chunks', async () => {
    routeChat(fake.script, { 标签: { content: '喵<smile>好的', chunkSize: 3 } });
    const c = await open();
    await startText(c, true);
    expect(replyText(await say(c, '标签测试'))).toBe('喵好的');
  });

  it('speaks through the OpenAI-compatible /audio/speech endpoint when a TTS tier is set', async () => {
    writeCore(chatCoreConfig(fake, { speech: true }));
    routeChat(fake.script, { 唱歌: { content: '好的主人。我来唱一首歌吧。' } });
    const c = await open();
    await startText(c, true);
    const from = fake.requests.length;
    const turn = await say(c, '给我唱歌');
    expect(replyText(turn)).toBe('好的主人。我来唱一首歌吧。');
    await audioSettled(c);
    const calls = speechRequests(from);
    expect(calls.length).toBeGreaterThan(0);
    for (const r of calls) expect(r.body).toMatchObject({ model: TTS_MODEL });
    const spoken = calls.map((r) => inputOf(r)).join('');
    expect(spoken).toContain('好的主人');
    expect(spoken).toContain('唱一首歌');
    for (const f of c.audio()) expect(f.bytes.length % 2).toBe(0);
    const expected = expectedSpeechBytes(calls);
    expect(audioBytes(c.events)).toBeGreaterThanOrEqual(expected * 0.97);
    expect(audioBytes(c.events)).toBeLessThanOrEqual(expected * 1.03 + 1024);
  });

  it('barge-in: a second message while the reply streams gets user_activity and only the new reply is heard after it', async () => {
    writeCore(chatCoreConfig(fake, { speech: true }));
    const long = '第一句话有点长哦。'.repeat(12);
    routeChat(fake.script, { 讲故事: { content: long, chunkDelayMs: 60 }, 停: { content: '好的，不讲了。' } });
    const c = await open();
    await startText(c, true);
    c.send('stream_data', { input_type: 'text', data: '讲故事给我听' });
    await c.collectUntil((e) => e.kind === 'audio', { timeoutMs: 20_000 }); // the first reply is being heard
    const from = c.mark();
    const speechFrom = fake.requests.length;
    c.send('stream_data', { input_type: 'text', data: '停一下' });
    const activity = (await c.collectUntil((e) => e.kind === 'json' && e.message.type === 'user_activity', { from })).at(-1)!;
    const newStart = (await c.collectUntil((e) => e.kind === 'json' && e.message.type === 'gemini_response' && e.message.text !== '' && '好的，不讲了。'.startsWith(String(e.message.text)) && e.message.isNewMessage === true, { from: activity.seq })).at(-1)!;
    await c.collectUntil((e) => isTurnEnd(e) && e.seq > newStart.seq, { from: newStart.seq });
    await audioSettled(c);
    // From user_activity on only the new reply is heard: what the provider made for it, plus at most one 100 ms frame of the old one in flight.
    const newCalls = speechRequests(speechFrom).filter((r) => '好的，不讲了。'.includes(inputOf(r).trim()));
    expect(newCalls.length).toBeGreaterThan(0);
    const after = audioBytes(c.since(activity.seq));
    expect(after).toBeLessThanOrEqual(expectedSpeechBytes(newCalls) * 1.03 + 9600);
    expect(after).toBeGreaterThanOrEqual(expectedSpeechBytes(newCalls) * 0.97);
  });

  it('replays frames sent while the session starts, leaves on pause_session, auto-starts on stream_data (spec §5.3)', async () => {
    routeChat(fake.script, { 马上: { content: '马上回答。' }, 自动: { content: '自动回答。' } });
    const c = await open();
    c.send('start_session', { input_type: 'text', new_session: true });
    c.send('stream_data', { input_type: 'text', data: '马上说话' }); // the UI would wait; the server must not lose it
    const first = await c.collectUntil(isTurnEnd, { from: 0 });
    const at = (type: string) => first.findIndex((e) => e.kind === 'json' && e.message.type === type);
    expect(at('session_started')).toBeGreaterThanOrEqual(0);
    expect(at('session_started')).toBeLessThan(at('user_activity'));
    expect(replyText(first)).toBe('马上回答。');
    c.send('pause_session');
    await c.waitStatus(`${NAME}已离开。`);
    const from = c.mark();
    c.send('stream_data', { input_type: 'text', data: '自动开始吧' });
    const second = await c.collectUntil(isTurnEnd, { from });
    expect(second.some((e) => e.kind === 'json' && e.message.type === 'session_started' && e.message.input_mode === 'text')).toBe(true);
    expect(replyText(second)).toBe('自动回答。');
  });

  it('a tab closed mid-session (no end_session): the next connection starts and talks normally', async () => {
    routeChat(fake.script, { 第一次: { content: '来了喵，主人好呀。'.repeat(8), chunkDelayMs: 40 }, 第二次: { content: '又来了喵。' } });
    const first = await connectChat(h.baseUrl, NAME);
    await startText(first, true);
    first.send('stream_data', { input_type: 'text', data: '第一次见面' });
    await first.collectUntil((e) => e.kind === 'audio', { timeoutMs: 20_000 }); // closed while the reply streams and is spoken
    await first.close(); // spec §4.1 step 5: the server cleans up (end_session by server)
    const c = await open();
    await startText(c, true);
    expect(replyText(await say(c, '第二次见面'))).toBe('又来了喵。');
    c.send('ping');
    await c.next('pong');
  });

  it('warns after three nearly identical replies in a row (spec §4.3 repetition_warning)', async () => {
    routeChat(fake.script, { 重复: { content: '我是一只可爱的小猫咪，喵喵喵。' } });
    const c = await open();
    await startText(c, true);
    const from = c.mark();
    const warnings = () => c.since(from).filter((e) => e.kind === 'json' && e.message.type === 'repetition_warning');
    await say(c, '重复第1次');
    await say(c, '重复第2次');
    await sleep(300);
    expect(warnings()).toEqual([]); // two alike are not yet a repetition
    await say(c, '重复第3次');
    expect(await c.next('repetition_warning', { timeoutMs: 5000 })).toEqual({ type: 'repetition_warning', name: NAME });
    expect(warnings()).toHaveLength(1);
  });

  it('sends a screenshot queued before the text as a multimodal message to the vision model', async () => {
    routeChat(fake.script, { 看看: { content: '是一片红色喵。' } });
    const c = await open();
    await startText(c, true);
    c.send('stream_data', { input_type: 'screen', data: 'https://example.com/x.jpg' }); // not a data URL: dropped silently
    c.send('stream_data', { input_type: 'camera', data: 'data:image/jpeg;base64,bm90IGFuIGltYWdl' }); // does not decode as an image: dropped
    c.send('stream_data', { input_type: 'screen', data: JPEG });
    const turn = await say(c, '看看这个');
    expect(replyText(turn)).toBe('是一片红色喵。');
    expect(statusesIn(turn)).toEqual([]);
    const body = chatCompletions(fake.requests, VISION_MODEL).at(-1);
    expect(body).toBeDefined();
    const user = (body!.messages as Array<{ role: string; content: unknown }>).filter((m) => m.role === 'user').at(-1)!;
    expect(Array.isArray(user.content)).toBe(true);
    const parts = user.content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
    expect(parts.filter((p) => p.type === 'image_url').map((p) => p.image_url?.url)).toEqual([JPEG]);
    expect(parts.find((p) => p.type === 'text')?.text).toContain('看看这个');
  });

  it('answers malformed frames with the exact statuses and keeps the connection working', async () => {
    const c = await open();
    c.sendRaw(Buffer.from([1, 2, 3]));
    await c.waitStatus(/^Server error: /);
    c.sendRaw('{not json');
    await c.waitStatus(/^Server error: /);
    c.send('dance');
    await c.waitStatus('Unknown action: dance');
    c.send('start_session', { input_type: 'smell' });
    await c.waitStatus('Invalid input type: smell');
    c.send('ping');
    expect(await c.next('pong')).toEqual({ type: 'pong' });
    routeChat(fake.script, { 还在吗: { content: '在的喵。' } });
    await startText(c);
    expect(replyText(await say(c, '还在吗'))).toBe('在的喵。');
  });

  it('with no provider configured answers with the one not-configured status and stays up', async () => {
    writeCore({ coreApi: 'qwen', assistApi: 'qwen', coreApiKey: '', enableCustomApi: false });
    const c = await open();
    const from = c.mark();
    c.send('start_session', { input_type: 'text', new_session: true });
    await c.waitStatus(NOT_CONFIGURED);
    await sleep(1000);
    expect(statusesIn(c.since(from))).toEqual([NOT_CONFIGURED]);
    expect(c.messages().some((m) => m.type === 'session_started')).toBe(false);
    c.send('ping');
    await c.next('pong');
    expect((await h.request('GET', '/api/characters')).status).toBe(200);
  });

  it('publishes analyze_request on the analyze queue after the turn end', async () => {
    const pull = new Pull({ linger: 0, receiveTimeout: 10_000 });
    pull.connect(`tcp://127.0.0.1:${h.ctx.env.ports.zmqAnalyzePush}`);
    try {
      routeChat(fake.script, { 记住: { content: '好的喵，我记住了。' } });
      const c = await open();
      await startText(c, true);
      await say(c, '记住我喜欢草莓');
      type Analyze = { event_type: string; trigger: string; lanlan_name: string; event_id: string; messages: Array<{ role: string; content: string }> };
      // Main's PUSH kept the requests of earlier turns for the first peer: skip to this turn's.
      let event: Analyze;
      do {
        const [frame] = await pull.receive();
        event = JSON.parse(frame.toString('utf8')) as Analyze;
      } while (!event.messages.some((m) => m.role === 'user' && m.content.includes('记住我喜欢草莓')));
      expect(event).toMatchObject({ event_type: 'analyze_request', trigger: 'turn_end', lanlan_name: NAME });
      expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
      expect(event.messages.length).toBeLessThanOrEqual(6);
      expect(event.messages.filter((m) => m.role === 'user').at(-1)?.content).toContain('记住我喜欢草莓');
      expect(event.messages.filter((m) => m.role === 'assistant').at(-1)?.content).toContain('好的喵，我记住了。');
    } finally {
      pull.close();
    }
  });
});
