import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Push } from 'zeromq';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

/**
 * Smoke test of the chat engine end to end: a real main app (with the memory server), a text
 * session against the fake OpenAI-compatible provider, the offline voice speaking the reply.
 */
const NAME = '小天';
const KEY = 'sk-smoke';
const MODEL = 'smoke-chat';
const PROACTIVE_LINE = '主人，你今天还没喝水哦，快去喝一杯吧！';
/** The text session's replies, by a word of the last message (the user's text or a system prompt). */
const REPLIES: Array<[string, string]> = [
  ['今天怎么样', '你好呀主人，今天也要开心喵。'],
  ['我这就去', '好的喵。'],
  ['天气查好了', '主人，天气查好了，明天是晴天哦。'],
];

type Received = { kind: 'json'; message: Record<string, unknown> } | { kind: 'audio'; bytes: Buffer };

let fake: FakeOpenAi;
let h: MainHarness;

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: KEY });
  // Routed, not FIFO: the memory server's own requests (other models) can never take a reply.
  fake.script.defaultChat((body) => {
    if (body.model !== MODEL) return { content: '嗯。' };
    if (body.stream !== true) return { content: PROACTIVE_LINE }; // /api/proactive_chat asks without streaming
    const last = JSON.stringify((body.messages as unknown[]).at(-1));
    return { content: REPLIES.find(([word]) => last.includes(word))?.[1] ?? '嗯嗯。', chunkSize: 4 };
  });
  const tier = (name: string, model: string, url = fake.baseUrl) => ({
    [`${name}ModelProvider`]: 'custom',
    [`${name}ModelUrl`]: url,
    [`${name}ModelId`]: model,
    [`${name}ModelApiKey`]: KEY,
  });
  h = await startMainApp({
    memory: true,
    coreConfig: {
      coreApi: 'qwen',
      assistApi: 'qwen',
      coreApiKey: KEY,
      enableCustomApi: true,
      recent_memory_auto_review: false,
      ...tier('correction', MODEL),
      ...tier('summary', 'smoke-summary'),
      ...tier('omni', 'gpt-realtime', fake.wsUrl),
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

async function connect(): Promise<{ ws: WebSocket; got: Received[]; until(p: (r: Received) => boolean, ms?: number): Promise<Received[]> }> {
  const ws = new WebSocket(`${h.baseUrl.replace('http', 'ws')}/ws/${encodeURIComponent(NAME)}`, { headers: { origin: h.baseUrl } });
  const got: Received[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    got.push(isBinary ? { kind: 'audio', bytes: Buffer.from(data) } : { kind: 'json', message: JSON.parse(data.toString('utf8')) as Record<string, unknown> });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let seen = 0;
  const until = async (p: (r: Received) => boolean, ms = 15_000): Promise<Received[]> => {
    const deadline = Date.now() + ms;
    for (;;) {
      for (; seen < got.length; seen++) {
        if (p(got[seen])) {
          seen++;
          return got.slice(0, seen);
        }
      }
      if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(got.filter((r) => r.kind === 'json'))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { ws, got, until };
}

const isJson = (type: string, where: (m: Record<string, unknown>) => boolean = () => true) => (r: Received) => r.kind === 'json' && r.message.type === type && where(r.message);

describe('chat engine smoke (text session, fake provider, offline voice)', () => {
  it('starts, streams the reply, speaks it, ends the turn, leaves', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ action: 'start_session', input_type: 'text', new_session: true }));
    await c.until(isJson('session_started'));
    const json = () => c.got.flatMap((r) => (r.kind === 'json' ? [r.message] : []));
    expect(json()[0]).toEqual({ type: 'session_preparing', input_mode: 'text' });
    expect(json()).toContainEqual({ type: 'session_started', input_mode: 'text' });

    const from = c.got.length;
    c.ws.send(JSON.stringify({ action: 'stream_data', input_type: 'text', data: '今天怎么样？' }));
    await c.until(isJson('system', (m) => m.data === 'turn end'));
    const turn = c.got.slice(from).flatMap((r) => (r.kind === 'json' ? [r.message] : []));
    expect(turn[0]).toEqual({ type: 'user_activity' });
    const deltas = turn.filter((m) => m.type === 'gemini_response');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas[0].isNewMessage).toBe(true);
    expect(deltas.slice(1).every((d) => d.isNewMessage === false)).toBe(true);
    expect(deltas.map((d) => d.text).join('')).toBe('你好呀主人，今天也要开心喵。');
    expect(turn.filter((m) => m.type === 'status')).toEqual([]);

    // The offline voice: binary PCM frames, each of even length and more than 4 bytes.
    await c.until((r) => r.kind === 'audio', 20_000);
    const audio = c.got.flatMap((r) => (r.kind === 'audio' ? [r.bytes] : []));
    for (const frame of audio) {
      expect(frame.length % 2).toBe(0);
      expect(frame.length).toBeGreaterThan(4);
    }

    const body = fake.requests.filter((r) => r.path.endsWith('/chat/completions') && r.body?.model === MODEL && r.body.stream === true).at(-1)?.body as { messages: Array<{ role: string; content: unknown }> };
    expect(body.messages[0].role).toBe('system');
    expect(String(body.messages[0].content)).toContain('你是小天，阿明的猫娘。');
    expect(JSON.stringify(body.messages.at(-1))).toContain('今天怎么样？');

    c.ws.send(JSON.stringify({ action: 'end_session' }));
    await c.until(isJson('status', (m) => m.message === `${NAME}已离开。`));
    c.ws.close();
  }, 60_000);

  it('a proactive line is spoken through the running session and stays in the model\'s context', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ action: 'start_session', input_type: 'text', new_session: true }));
    await c.until(isJson('session_started'));
    const line = PROACTIVE_LINE;
    const from = c.got.length;
    const res = await h.request('POST', '/api/proactive_chat', { json: { lanlan_name: NAME } });
    expect(res.json).toMatchObject({ success: true, action: 'chat' });
    await c.until(isJson('system', (m) => m.data === 'turn end'));
    const chunks = c.got.slice(from).flatMap((r) => (r.kind === 'json' && r.message.type === 'gemini_response' ? [r.message] : []));
    expect(chunks.map((m) => m.text).join('')).toBe(line);
    expect(chunks.map((m) => m.isNewMessage)).toEqual([true, ...chunks.slice(1).map(() => false)]);
    await c.until((r) => r.kind === 'audio', 20_000); // spoken by the session's voice

    c.ws.send(JSON.stringify({ action: 'stream_data', input_type: 'text', data: '我这就去' }));
    await c.until(isJson('gemini_response', (m) => m.text === '好的喵。'));
    const body = fake.requests.filter((r) => r.path.endsWith('/chat/completions') && r.body?.model === MODEL && r.body.stream === true).at(-1)?.body as { messages: Array<{ content: unknown }> };
    expect(JSON.stringify(body.messages)).toContain(line);
    c.ws.send(JSON.stringify({ action: 'end_session' }));
    await c.until(isJson('status', (m) => m.message === `${NAME}已离开。`));
    c.ws.close();
  }, 60_000);

  it('an agent result that arrives without a session is shown at once and told when the next session starts', async () => {
    const agent = new Push({ linger: 0 });
    agent.connect(`tcp://127.0.0.1:${h.ctx.env.ports.zmqAgentPush}`);
    try {
      const c = await connect();
      const summary = '你的任务"查天气"已完成：天气查好了，明天晴';
      await agent.send(JSON.stringify({
        event_type: 'task_result', lanlan_name: NAME, text: summary, task_id: randomUUID(), channel: 'computer_use', status: 'completed',
        success: true, summary, detail: '', error_message: '', timestamp: new Date().toISOString(),
      }));
      await c.until(isJson('agent_notification'));
      expect(c.got.flatMap((r) => (r.kind === 'json' && r.message.type === 'agent_notification' ? [r.message] : []))).toEqual([
        { type: 'agent_notification', text: summary, source: 'brain', status: 'completed' },
      ]);
      c.ws.send(JSON.stringify({ action: 'start_session', input_type: 'text', new_session: true }));
      // From just after session_started (the report may already be streaming in).
      const from = (await c.until(isJson('session_started'))).length;
      await c.until(isJson('system', (m) => m.data === 'turn end'));
      const told = c.got.slice(from).flatMap((r) => (r.kind === 'json' && r.message.type === 'gemini_response' ? [String(r.message.text)] : []));
      expect(told.join('')).toBe('主人，天气查好了，明天是晴天哦。');
      const report = fake.requests.filter((r) => r.body?.model === MODEL && r.body.stream === true).at(-1)?.body as { messages: Array<{ role: string; content: unknown }> };
      expect(report.messages.at(-1)).toMatchObject({ role: 'system' });
      expect(String(report.messages.at(-1)!.content)).toContain(`✅ ${summary}`);
      c.ws.close();
    } finally {
      agent.close();
    }
  }, 60_000);
});
