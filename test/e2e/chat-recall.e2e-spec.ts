import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { chatCompletions, chatCoreConfig, connectChat, contentText, isTurnEnd, lastUserText, replyText, routeChat, type ChatClient } from '../support/chat-client.harness';
import { inputHistory } from '../support/memory-app.harness';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const NAME = '小天';

jest.setTimeout(60_000);

let fake: FakeOpenAi;
let h: MainHarness;
let c: ChatClient | undefined;

/** A JSON call to the memory server of the harness (its own port). */
async function memory(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${h.ctx.env.ports.memory}${path.replace(/[^ -~]/g, (ch) => encodeURIComponent(ch))}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-test' });
  routeChat(fake.script, { 蛋糕: { content: '当然记得喵。' } });
  h = await startMainApp({ memory: true, coreConfig: chatCoreConfig(fake) });
}, 60_000);
afterAll(async () => {
  await c?.close();
  await h?.close();
  await fake?.close();
});

describe('recall (issue 5 §4): older memories found by search join the context of a user turn', () => {
  it('adds a stored conversation that is no longer in the recent history, with its date, to the request', async () => {
    // An older conversation: stored in the time index, then gone from the recent history.
    expect(await memory('POST', `/process/${NAME}`, inputHistory([['user', '我最喜欢的蛋糕是草莓奶油蛋糕'], ['assistant', '记住啦，草莓奶油蛋糕！']]))).toEqual({ status: 'processed' });
    await memory('PUT', `/api/memory/${NAME}/recent`, { entries: [] });

    c = await connectChat(h.baseUrl, NAME);
    c.send('start_session', { input_type: 'text', new_session: true });
    await c.next('session_started');
    const from = c.mark();
    c.send('stream_data', { input_type: 'text', data: '你还记得我最喜欢什么蛋糕吗' });
    expect(replyText(await c.collectUntil(isTurnEnd, { from }))).toBe('当然记得喵。');

    const body = chatCompletions(fake.requests).find((b) => lastUserText(b).includes('你还记得我最喜欢什么蛋糕吗'))!;
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    expect(contentText(messages[0].content)).not.toContain('草莓奶油蛋糕'); // not through the session prompt's recent history
    const recalled = messages.map((m) => contentText(m.content)).find((t) => t.includes('草莓奶油蛋糕'));
    expect(recalled).toBeDefined();
    expect(recalled).toMatch(/20\d\d/); // dated
    expect(recalled!.length).toBeLessThanOrEqual(2000 + '你还记得我最喜欢什么蛋糕吗'.length); // bounded
    c.send('end_session');
    await c.waitStatus(`${NAME}已离开。`);
  });
});
