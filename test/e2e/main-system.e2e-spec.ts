import { SessionRegistry } from '../../src/main/sessions/session-registry.service';
import { PROACTIVE_TIMING } from '../../src/main/system/proactive-chat.service';
import type { ClientMessage } from '../../src/main/sessions/session-manager';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const KEY = 'sk-test';
/** The parts of a recorded chat completion request the tests look at. */
interface ChatBody {
  model: string;
  temperature?: number;
  max_tokens?: number;
  messages: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
}
const q = (v: string) => encodeURIComponent(v);
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function modelConfig(url: string): Record<string, unknown> {
  const cfg: Record<string, unknown> = { coreApi: 'qwen', assistApi: 'qwen', enableCustomApi: true };
  for (const tier of ['emotion', 'correction', 'vision']) Object.assign(cfg, { [`${tier}ModelId`]: 'gpt-4.1-mini', [`${tier}ModelUrl`]: url, [`${tier}ModelApiKey`]: KEY });
  return cfg;
}

describe('main system router /api/... (e2e)', () => {
  let fake: FakeOpenAi;
  let h: MainHarness;
  let bare: MainHarness;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: KEY });
    h = await startMainApp({ coreConfig: modelConfig(fake.baseUrl), memory: true });
    bare = await startMainApp({ coreConfig: {} });
  });

  afterAll(async () => {
    await h.close();
    await bare.close();
    await fake.close();
  });

  beforeEach(() => {
    fake.script.reset();
    fake.clearRequests();
  });

  describe('POST /api/emotion/analysis', () => {
    it('asks the emotion model (temperature 0.3, 100 tokens) and reads a fenced JSON reply', async () => {
      fake.script.chat({ content: '好的：\n```json\n{"emotion": "happy", "confidence": 0.92, "reason": "笑"}\n```' });
      const res = await h.request('POST', '/api/emotion/analysis', { json: { text: '今天好开心', lanlan_name: '小天' } });
      expect([res.status, res.json]).toEqual([200, { emotion: 'happy', confidence: 0.92 }]);
      const body = fake.requests[0].body as unknown as ChatBody;
      expect(body).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0.3, max_tokens: 100 });
      expect(body.messages[0].role).toBe('system');
      expect(body.messages[1]).toEqual({ role: 'user', content: '今天好开心' });
    });

    it('empty text → neutral 0.5 without asking the model', async () => {
      expect((await h.request('POST', '/api/emotion/analysis', { json: { text: '  ' } })).json).toEqual({ emotion: 'neutral', confidence: 0.5 });
      expect(fake.requests).toHaveLength(0);
    });

    it('low confidence → neutral; unparseable → neutral 0.5', async () => {
      fake.script.chat({ content: '{"emotion": "sad", "confidence": 0.1}' }, { content: 'I think it is sad' });
      expect((await h.request('POST', '/api/emotion/analysis', { json: { text: 'hmm' } })).json).toEqual({ emotion: 'neutral', confidence: 0.1 });
      expect((await h.request('POST', '/api/emotion/analysis', { json: { text: 'hmm' } })).json).toEqual({ emotion: 'neutral', confidence: 0.5 });
    });

    it('a provider error answers the original error shape; a request model/key overrides the config', async () => {
      const res = await h.request('POST', '/api/emotion/analysis', { json: { text: 'hi', api_key: 'sk-wrong', model: 'gpt-5-chat-latest' } });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ emotion: 'neutral', confidence: 0 });
      expect(res.json.error).toMatch(/^情感分析失败: 401/);
      expect(fake.requests[0].headers.authorization).toBe('Bearer sk-wrong');
      expect((fake.requests[0].body as Record<string, unknown>).model).toBe('gpt-5-chat-latest');
    });

    it('missing text → 200 {"error"}', async () => {
      for (const json of [{}, { lanlan_name: '小天' }, { text: 5 }]) {
        const res = await h.request('POST', '/api/emotion/analysis', { json });
        expect([res.status, res.json]).toEqual([200, { error: '请求体中必须包含text字段' }]);
      }
    });

    it('without any emotion model: the offline lexicon (zh and en, negation, punctuation)', async () => {
      const cases: Array<[string, string]> = [
        ['我今天好开心呀！', 'happy'],
        ['我一点都不开心', 'sad'],
        ['呜呜，好难过', 'sad'],
        ['气死我了，讨厌！', 'angry'],
        ['天哪，竟然是真的？！', 'surprised'],
        ['今天去超市买了菜。', 'neutral'],
        ['I am so happy to see you!', 'happy'],
        ["I'm not happy at all.", 'sad'],
        ['This is so annoying, I hate it', 'angry'],
        ['Wow, seriously?!', 'surprised'],
        ['The meeting is at three.', 'neutral'],
      ];
      for (const [text, emotion] of cases) {
        const res = await bare.request('POST', '/api/emotion/analysis', { json: { text } });
        expect([text, res.status, res.json.emotion]).toEqual([text, 200, emotion]);
        expect(res.json.confidence).toBeGreaterThanOrEqual(0.3);
        expect(res.json.error).toBeUndefined();
      }
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('Steam achievements (no Steam: no-ops in the original shape)', () => {
    it('set-achievement-status validates the name', async () => {
      const ok = await h.request('POST', '/api/steam/set-achievement-status/ACH_FIRST_DIALOGUE');
      expect([ok.status, ok.json]).toEqual([200, { success: true, message: '成就 ACH_FIRST_DIALOGUE 处理完成' }]);
      const bad = await h.request('POST', `/api/steam/set-achievement-status/${q('bad name!')}`);
      expect([bad.status, bad.json.success]).toEqual([400, false]);
    });

    it('list-achievements is empty', async () => {
      expect((await h.request('GET', '/api/steam/list-achievements')).json).toEqual({ count: 0, achievements: [] });
    });
  });

  describe('beacon', () => {
    it('answers null (not in browser mode) for a sendBeacon text/plain body', async () => {
      const res = await h.request('POST', '/api/beacon/shutdown', { body: '{"timestamp":1,"action":"shutdown"}', headers: { 'content-type': 'text/plain;charset=UTF-8' } });
      expect([res.status, res.text]).toEqual([200, 'null']);
    });
  });

  describe('POST /api/proactive_chat', () => {
    let frames: ClientMessage[];
    const attach = (harness: MainHarness) => {
      frames = [];
      harness.app.get(SessionRegistry).get('小天')!.attachSocket((m) => {
        frames.push(m);
        return Promise.resolve(true);
      });
    };
    const detach = (harness: MainHarness) => harness.app.get(SessionRegistry).get('小天')!.attachSocket(undefined);
    afterEach(() => detach(h));

    it('unknown character 404; a responding session 409', async () => {
      const unknown = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '不存在' } });
      expect([unknown.status, unknown.json]).toEqual([404, { success: false, error: '角色 不存在 不存在' }]);
      const mgr = h.app.get(SessionRegistry).get('小天')!;
      mgr.isActive = true;
      mgr.isResponding = true;
      try {
        const busy = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
        expect([busy.status, busy.json]).toEqual([409, { success: false, error: 'AI正在响应中，无法主动搭话', message: '请等待当前响应完成' }]);
      } finally {
        mgr.isActive = false;
        mgr.isResponding = false;
      }
    });

    it('[PASS] → pass answer; the correction tier is asked once, temperature 1.1, one system message', async () => {
      fake.script.chat({ content: '[PASS]' });
      const res = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
      expect([res.status, res.json]).toEqual([200, { success: true, action: 'pass', message: 'AI选择暂时不搭话' }]);
      expect(fake.requests).toHaveLength(1);
      const body = fake.requests[0].body as unknown as ChatBody;
      expect(body.temperature).toBe(1.1);
      expect(body.messages).toHaveLength(1);
      expect(body.messages[0].role).toBe('system');
      expect(body.messages[0].content).toContain('小天');
      expect(body.messages[0].content).toContain('阿明');
      // The memory context comes from the real memory server's /new_dialog/小天 (a fact of the fixture).
      expect(body.messages[0].content).toContain('小鱼干');
    });

    it('a reply without a socket → 400', async () => {
      fake.script.chat({ content: '主人，在忙什么呀？' });
      const res = await h.request('POST', '/api/proactive_chat', { json: {} });
      expect([res.status, res.json]).toEqual([400, { success: false, error: '没有活跃的WebSocket连接，无法主动搭话。请先打开前端页面。' }]);
    });

    it('a reply is sent as gemini_response chunks of 10 characters, then turn end', async () => {
      attach(h);
      const reply = '主人主人，你昨天说要去看的那部电影，后来去看了吗？好看吗？';
      fake.script.chat({ content: reply });
      const res = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
      expect([res.status, res.json]).toEqual([200, { success: true, action: 'chat', message: '主动搭话已发送', lanlan_name: '小天' }]);
      const texts = frames.filter((f) => f.type === 'gemini_response');
      expect(texts.map((f) => f.text).join('')).toBe(reply);
      expect(texts.every((f) => Array.from(String(f.text)).length <= 10)).toBe(true);
      expect(texts.map((f) => f.isNewMessage)).toEqual([true, ...texts.slice(1).map(() => false)]);
      expect(frames[frames.length - 1]).toEqual({ type: 'system', data: 'turn end' });
    });

    it('a screenshot is described by the vision tier first (image_url part)', async () => {
      attach(h);
      fake.script.chat({ content: '屏幕上是一个代码编辑器。' }, { content: '又在写代码呀？' });
      const res = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天', screenshot_data: `data:image/jpeg;base64,${PNG.toString('base64')}` } });
      expect(res.json.action).toBe('chat');
      const [vision, decide] = fake.requests.map((r) => r.body as unknown as ChatBody);
      expect(vision.max_tokens).toBe(500);
      expect(vision.messages[1].content[0]).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } });
      expect(decide.messages[0].content).toContain('屏幕上是一个代码编辑器。');
    });

    it('a screenshot that is no image → 400 pass (bad input); a failing vision model → 500 pass', async () => {
      const failed = { success: false, error: '截图分析失败，请检查截图格式是否正确', action: 'pass' };
      const res = await h.request('POST', '/api/proactive_chat', { json: { screenshot_data: `data:image/png;base64,${Buffer.from('not an image').toString('base64')}` } });
      expect([res.status, res.json]).toEqual([400, failed]);
      expect(fake.requests).toHaveLength(0);
      fake.script.chat({ error: 500 });
      const vision = await h.request('POST', '/api/proactive_chat', { json: { screenshot_data: `data:image/png;base64,${PNG.toString('base64')}` } });
      expect([vision.status, vision.json]).toEqual([500, failed]);
      expect(fake.requests).toHaveLength(1);
    });

    it('429 is retried (status frame to the socket), then the reply goes out', async () => {
      attach(h);
      fake.script.chat({ error: 429 }, { content: '喵~' });
      const res = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
      expect(res.json.action).toBe('chat');
      expect(fake.requests).toHaveLength(2);
      expect(frames[0]).toEqual({ type: 'status', message: '正在重试中...（第1次）' });
      expect(frames.some((f) => f.type === 'gemini_response' && f.text === '喵~')).toBe(true);
    });

    it('three retriable failures → 503 after status frames 1 and 2; a slow model → 504', async () => {
      const saved = { ...PROACTIVE_TIMING, retryWaitsMs: [...PROACTIVE_TIMING.retryWaitsMs] };
      PROACTIVE_TIMING.retryWaitsMs = [10, 20];
      PROACTIVE_TIMING.llmTimeoutMs = 300;
      try {
        attach(h);
        fake.script.chat({ error: 503, times: 3 });
        const res = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
        expect(res.status).toBe(503);
        expect(res.json).toMatchObject({ success: false, error: 'AI调用失败，已重试3次' });
        expect(frames).toEqual([
          { type: 'status', message: '正在重试中...（第1次）' },
          { type: 'status', message: '正在重试中...（第2次）' },
        ]);
        fake.script.chat({ content: '太慢了', delayMs: 2000 });
        const slow = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
        expect([slow.status, slow.json]).toEqual([504, { success: false, error: 'AI处理超时' }]);
      } finally {
        Object.assign(PROACTIVE_TIMING, saved);
      }
    });

    it('401 is not retried: 500 AI处理失败', async () => {
      fake.script.chat({ error: 401 });
      const res = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
      expect(res.status).toBe(500);
      expect(res.json).toMatchObject({ success: false, error: 'AI处理失败' });
      expect(typeof res.json.detail).toBe('string');
      expect(fake.requests).toHaveLength(1);
    });

    it('no correction model configured → 500 纠错模型配置缺失', async () => {
      const res = await bare.request('POST', '/api/proactive_chat', { json: { lanlan_name: '小天' } });
      expect([res.status, res.json.error]).toEqual([500, '纠错模型配置缺失']);
    });

    it('bad bodies are 400, not 5xx', async () => {
      for (const json of [{ lanlan_name: 5 }, { screenshot_data: [] }, []]) {
        const res = await h.request('POST', '/api/proactive_chat', { json });
        expect([JSON.stringify(json), res.status, res.json.success]).toEqual([JSON.stringify(json), 400, false]);
      }
    });
  });
});
