import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { CHAT_MODEL, chatCoreConfig, isTurnEnd, lastUserText, replyText, sleep, statusesIn, type ChatClient, ChatClients, writeCoreConfig } from '../support/chat-client.harness';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const NAME = '小天';
const KEY_REJECTED = '💥 API Key被服务器拒绝。请检查API Key是否与所选模型匹配。';
const RATE_LIMITED = '💥 API请求频率过高，请稍后再试。';
const STOPPED = '⛔ Session启动连续失败3次，已停止自动重试。请检查网络连接和API配置，然后刷新页面重试。';
const COOLDOWN_MS = 500;

jest.setTimeout(60_000);

let fake: FakeOpenAi;
let h: MainHarness;
const clients = new ChatClients();

const writeCore = (config: Record<string, unknown>) => writeCoreConfig(h.root, config);
const open = (): Promise<ChatClient> => clients.connect(h.baseUrl, NAME);

/** Asks for a session and returns the two statuses a failed start sends (spec §4.5, §5.2 step 12). */
async function failedStart(c: ChatClient, inputType: 'audio' | 'text'): Promise<string[]> {
  const from = c.mark();
  c.send('start_session', { input_type: inputType });
  await c.collectUntil((e) => statusesIn(c.since(from)).length >= 2 || (e.kind === 'json' && e.message.type === 'session_started'), { from, timeoutMs: 20_000 });
  await sleep(200);
  return statusesIn(c.since(from));
}

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-test', deltaIntervalMs: 10, inputSampleRate: 16_000 });
  h = await startMainApp({ memory: true, coreConfig: chatCoreConfig(fake), env: { NEKO_START_COOLDOWN_MS: String(COOLDOWN_MS) } });
}, 60_000);
afterEach(async () => {
  await clients.closeAll();
  fake.script.reset();
  writeCore(chatCoreConfig(fake));
  await sleep(COOLDOWN_MS + 100);
});
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

describe('provider errors give the exact statuses (spec §4.5)', () => {
  it('401 and 429 when the realtime session opens count as start failures; the third gives ⛔', async () => {
    const c = await open();
    // A key the provider refuses: the realtime upgrade is answered 401 invalid_api_key.
    writeCore(chatCoreConfig(fake, { extra: { omniModelApiKey: 'sk-wrong' } }));
    const first = await failedStart(c, 'audio');
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^Error starting session: .+ \(失败1次\)$/);
    expect(first[1]).toBe(KEY_REJECTED);

    writeCore(chatCoreConfig(fake));
    fake.script.error('realtime', 429, { times: 2 });
    const second = await failedStart(c, 'audio');
    expect(second).toHaveLength(2);
    expect(second[0]).toMatch(/^Error starting session: .+ \(失败2次\)$/);
    expect(second[1]).toBe(RATE_LIMITED);

    const third = await failedStart(c, 'audio');
    expect(third).toEqual([STOPPED, RATE_LIMITED]);
    expect(c.messages().some((m) => m.type === 'session_started')).toBe(false);
    c.send('ping');
    await c.next('pong');
  });

  it('after the cool-down a start succeeds; a realtime socket dropped mid-session gives 失联', async () => {
    const c = await open();
    c.send('start_session', { input_type: 'audio' });
    await c.next('session_started', { timeoutMs: 20_000 });
    expect(fake.realtime.connections).toBeGreaterThan(0);
    const from = c.mark();
    fake.realtime.closeAll(1011, 'server restart');
    await c.waitStatus(`${NAME}失联了，即将重启！`);
    // What the UI does next (spec §4.5): end_session, then a fresh start works.
    c.send('end_session');
    await sleep(300);
    c.send('start_session', { input_type: 'audio' });
    await c.next('session_started', { timeoutMs: 20_000 });
    expect(statusesIn(c.since(from)).filter((s) => s.startsWith('Error starting session'))).toEqual([]);
  });

  it('a dropped connection without a close frame (1006) also gives 失联', async () => {
    const c = await open();
    c.send('start_session', { input_type: 'audio' });
    await c.next('session_started', { timeoutMs: 20_000 });
    fake.realtime.closeAll(1006);
    await c.waitStatus(`${NAME}失联了，即将重启！`);
  });

  it('text mode: a 429 is retried with the notice and the reply still arrives', async () => {
    let calls = 0;
    fake.script.defaultChat((body) => {
      if (body.model !== CHAT_MODEL) return { content: `Echo: ${lastUserText(body)}` };
      return ++calls === 1 ? { error: { status: 429, retryAfterMs: 10 } } : { content: '网络好了喵。' };
    });
    const c = await open();
    c.send('start_session', { input_type: 'text' });
    await c.next('session_started');
    const from = c.mark();
    c.send('stream_data', { input_type: 'text', data: '你在吗' });
    const turn = await c.collectUntil((e) => isTurnEnd(e) && replyText(c.since(from)).length > 0, { from, timeoutMs: 20_000 });
    expect(statusesIn(turn)).toContain('连接问题，正在重试...（第1次）');
    expect(statusesIn(turn).filter((s) => s.startsWith('连接问题'))).toEqual(['连接问题，正在重试...（第1次）']);
    expect(replyText(turn)).toBe('网络好了喵。');
    expect(calls).toBe(2);
  });

  it('text mode: a refused key (401) gives "Error in text streaming: …"', async () => {
    writeCore(chatCoreConfig(fake, { extra: { correctionModelApiKey: 'sk-wrong' } }));
    const c = await open();
    c.send('start_session', { input_type: 'text' });
    await c.next('session_started');
    const reqFrom = fake.requests.length;
    c.send('stream_data', { input_type: 'text', data: '你好' });
    await c.waitStatus(/^Error in text streaming: .+/);
    await sleep(500);
    expect(c.statuses().filter((s) => s.startsWith('连接问题'))).toEqual([]); // 401 is not retried (spec §6.5)
    expect(fake.requests.slice(reqFrom).filter((r) => r.path.endsWith('/chat/completions') && r.body?.model === CHAT_MODEL)).toHaveLength(1);
    c.send('ping');
    await c.next('pong');
  });

  it('text mode: three failed attempts give the two retry notices and the final status', async () => {
    fake.script.defaultChat((body) => (body.model === CHAT_MODEL ? { error: { status: 503, retryAfterMs: 10 } } : { content: `Echo: ${lastUserText(body)}` }));
    const c = await open();
    c.send('start_session', { input_type: 'text' });
    await c.next('session_started');
    const from = c.mark();
    const reqFrom = fake.requests.length;
    c.send('stream_data', { input_type: 'text', data: '你在吗' });
    await c.waitStatus(/^LLM调用失败，已重试3次: .+/, 20_000);
    expect(fake.requests.slice(reqFrom).filter((r) => r.path.endsWith('/chat/completions') && r.body?.model === CHAT_MODEL)).toHaveLength(3);
    const statuses = statusesIn(c.since(from));
    expect(statuses.filter((s) => s.startsWith('连接问题') || s.startsWith('LLM调用失败'))).toEqual([
      '连接问题，正在重试...（第1次）',
      '连接问题，正在重试...（第2次）',
      expect.stringMatching(/^LLM调用失败，已重试3次: /),
    ]);
    expect(replyText(c.since(from))).toBe('');
  });

  it.each([
    ['账户已欠费，请充值', '💥 智谱API触发欠费bug。请考虑充值1元。'],
    ['Access denied, please make sure your account is in good standing.', '💥 阿里API已欠费。'],
  ])('a realtime error event "%s" gives its status, then 失联', async (message, status) => {
    const c = await open();
    c.send('start_session', { input_type: 'audio' });
    await c.next('session_started', { timeoutMs: 20_000 });
    const from = c.mark();
    fake.realtime.sendError({ message, code: 'arrearage' });
    await c.waitStatus(status);
    await c.waitStatus(`${NAME}失联了，即将重启！`);
    const seen = statusesIn(c.since(from));
    expect(seen.indexOf(status)).toBeLessThan(seen.indexOf(`${NAME}失联了，即将重启！`));
  });
});
