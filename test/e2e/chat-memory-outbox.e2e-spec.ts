import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MemoryAppModule } from '../../src/memory/memory-app.module';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { chatCoreConfig, connectChat, isTurnEnd, replyText, routeChat, sleep, statusesIn, type ChatClient } from '../support/chat-client.harness';
import { waitFor } from '../support/free-port';
import { portsOf, startMainApp, type MainHarness } from '../support/main-app.harness';

const NAME = '小天';
const MEMORY_DOWN = /^❌ 记忆服务.+（对话照常进行，记忆服务恢复后会补存。）$/;

jest.setTimeout(60_000);

let fake: FakeOpenAi;
let h: MainHarness;
let memory: NestFastifyApplication | undefined;
let c: ChatClient | undefined;
/** The data folder of the first main app (a restarted main is pointed at it). */
let root: string;

/** The memory server in-process on main's memory port and data folder (as the harness starts it), so it can be stopped and started again. */
async function startMemory(): Promise<void> {
  const ctx = await createBootContext('memory', { ...process.env, NEKO_DATA_DIR: root, ...portsOf(h.ctx) });
  const ref = await Test.createTestingModule({ imports: [MemoryAppModule.register(ctx)] }).compile();
  memory = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  await memory.listen({ port: h.ctx.env.ports.memory, host: '127.0.0.1' });
}

async function stopMemory(): Promise<void> {
  await memory?.close();
  memory = undefined;
}

/** Texts of the turns the memory server stored for the character (time-indexed originals). */
async function storedTexts(): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${h.ctx.env.ports.memory}/api/memory/${encodeURIComponent(NAME)}/turns?limit=500&order=asc`);
  if (res.status !== 200) return [];
  const body = (await res.json()) as { items: Array<{ text: string }> };
  return body.items.map((i) => i.text);
}

async function turn(client: ChatClient, text: string): Promise<string> {
  const from = client.mark();
  client.send('stream_data', { input_type: 'text', data: text });
  return replyText(await client.collectUntil(isTurnEnd, { from, timeoutMs: 20_000 }));
}

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-test' });
  routeChat(fake.script, { 草莓: { content: '记住草莓啦。' }, 下雨: { content: '带伞喵。' }, 晚安: { content: '晚安主人。' }, 名字: { content: '记住名字了。' } });
  h = await startMainApp({ coreConfig: chatCoreConfig(fake) });
  root = h.root;
  await startMemory();
}, 60_000);
afterAll(async () => {
  await c?.close();
  await h?.close();
  await stopMemory();
  await fake?.close();
});

describe('memory outbox (issue 5 §4): turns said while memory is down arrive once it is back', () => {
  it('keeps talking with memory killed mid-conversation and delivers every turn exactly once after the restart', async () => {
    c = await connectChat(h.baseUrl, NAME);
    c.send('start_session', { input_type: 'text', new_session: true });
    await c.next('session_started');
    const from = c.mark();
    expect(await turn(c, '我最喜欢草莓')).toBe('记住草莓啦。');

    await stopMemory();
    expect(await turn(c, '明天会下雨吗')).toBe('带伞喵。');
    c.send('end_session');
    await c.waitStatus(`${NAME}已离开。`);

    // A new session while memory is still down: one status, and the session starts anyway.
    const second = c.mark();
    c.send('start_session', { input_type: 'text', new_session: true });
    await c.next('session_started', { timeoutMs: 20_000 });
    expect(statusesIn(c.since(second)).filter((s) => MEMORY_DOWN.test(s))).toHaveLength(1);
    expect(await turn(c, '晚安啦')).toBe('晚安主人。');
    c.send('end_session');
    await c.waitStatus(`${NAME}已离开。`);
    expect(statusesIn(c.since(from)).filter((s) => !MEMORY_DOWN.test(s) && s !== `${NAME}已离开。`)).toEqual([]);

    await startMemory();
    const expected = ['我最喜欢草莓', '记住草莓啦。', '明天会下雨吗', '带伞喵。', '晚安啦', '晚安主人。'];
    await waitFor(async () => {
      const texts = await storedTexts();
      return expected.every((e) => texts.some((t) => t.includes(e)));
    }, 'the outbox to deliver every turn', 45_000); // its back-off between attempts grows up to 30 s while memory is down
    // Give a duplicate delivery (a retry of something already stored) time to show up.
    await sleep(3000);
    const texts = await storedTexts();
    for (const e of expected) expect(texts.filter((t) => t.includes(e))).toHaveLength(1);
  }, 120_000);

  it('keeps undelivered turns on disk across a restart of main', async () => {
    await c?.close();
    await stopMemory();
    c = await connectChat(h.baseUrl, NAME);
    c.send('start_session', { input_type: 'text', new_session: true });
    await c.next('session_started', { timeoutMs: 20_000 });
    expect(await turn(c, '我的名字叫阿明明')).toBe('记住名字了。');
    c.send('end_session');
    await c.waitStatus(`${NAME}已离开。`);
    await c.close();
    c = undefined;
    const ports = portsOf(h.ctx);
    await h.close();
    // The same data folder and ports: what a restart of the app does.
    h = await startMainApp({ coreConfig: chatCoreConfig(fake), env: { ...ports, NEKO_DATA_DIR: root } });
    await startMemory();
    await waitFor(async () => (await storedTexts()).some((t) => t.includes('我的名字叫阿明明')), 'the restarted outbox to deliver', 30_000);
    await sleep(3000);
    const texts = await storedTexts();
    expect(texts.filter((t) => t.includes('我的名字叫阿明明'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('记住名字了。'))).toHaveLength(1);
  }, 90_000);
});
