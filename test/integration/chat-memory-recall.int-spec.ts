import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { MemoryServerClient } from '../../src/main/clients/peer-clients.module';
import { MemoryUnavailableError } from '../../src/main/chat-memory/chat-memory.port';
import { ChatMemoryService } from '../../src/main/chat-memory/chat-memory.service';
import { MemoryOutboxService } from '../../src/main/chat-memory/memory-outbox.service';
import { CharactersService } from '../../src/shared/config/characters.service';
import { parseRuntimeEnv } from '../../src/shared/config/env.schema';
import { dataFolderAt } from '../../src/shared/data/data-folder';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { freePort } from '../support/free-port';
import { inputHistory, startMemoryApp, type MemoryHarness } from '../support/memory-app.harness';

process.env.NEKO_LANGUAGE = 'zh';
jest.setTimeout(30_000);

function chatMemoryOn(port: number, root: string): { chat: ChatMemoryService; outbox: MemoryOutboxService } {
  const env = parseRuntimeEnv({ NEKO_MEMORY_SERVER_PORT: String(port), NEKO_DATA_DIR: root });
  const client = new MemoryServerClient(env);
  const outbox = new MemoryOutboxService(dataFolderAt(root), client);
  return { chat: new ChatMemoryService(client, env, outbox, new CharactersService(dataFolderAt(root))), outbox };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('chat memory: new_dialog and recall against the real memory server', () => {
  let m: MemoryHarness;
  let port: number;
  let chat: ChatMemoryService;
  let outbox: MemoryOutboxService;
  beforeEach(async () => {
    m = await startMemoryApp();
    port = await freePort();
    await m.app.listen(port, '127.0.0.1');
    ({ chat, outbox } = chatMemoryOn(port, m.root));
    await m.post('/process/小天', inputHistory([['user', '我的猫叫麻薯，是一只橘猫'], ['assistant', '[20261101 Sun 20:00] 麻薯这个名字好可爱']]));
    await m.post('/process/小天', inputHistory([['user', '下周我要去杭州出差'], ['assistant', '记得带伞']]));
    await m.idle();
    await m.call('GET', `/api/memory/小天/recall?q=${encodeURIComponent('热身')}`);
  });
  afterEach(async () => {
    await outbox.onModuleDestroy();
    await m.idle();
    await m.close();
  });

  it('newDialog gives the memory context as plain text', async () => {
    const expected = (await m.get('/new_dialog/小天')).body;
    expect(expected).toContain('小天的内心活动');
    expect(await chat.newDialog('小天')).toBe(expected);
    expect(await chat.newDialog('没有这个人')).toBe('');
  });

  it('the memory server\'s quick recall route answers ranked results and validates its query', async () => {
    const res = await m.call('GET', `/api/memory/小天/recall?q=${encodeURIComponent('杭州')}&k=3`);
    expect(res.status).toBe(200);
    expect(res.json.results[0]).toMatchObject({ id: expect.any(Number), kind: 'turn', text: '下周我要去杭州出差', speaker: '阿明', sessionId: expect.any(String) });
    expect(res.json.results.length).toBeLessThanOrEqual(3);
    expect((await m.call('GET', '/api/memory/小天/recall')).status).toBe(422);
    expect((await m.call('GET', `/api/memory/小天/recall?q=x&k=1000`)).status).toBe(422);
    expect((await m.call('GET', '/api/memory/a..b/recall?q=x')).status).toBe(400);
  });

  it('recalls older memories with dates, once per session', async () => {
    const block = await chat.recall('小天', '我的猫叫什么名字来着？', 's1');
    const lines = block.split('\n');
    expect(lines[0]).toBe('========小天想起的往事========');
    expect(lines[1]).toContain('小天和阿明以前的相关记忆');
    expect(block).toMatch(/\n\[\d{4}-\d\d-\d\d\] 阿明 \| 我的猫叫麻薯，是一只橘猫\n/);
    expect([...block].length).toBeLessThanOrEqual(1200);
    expect(block).not.toContain('[20261101 Sun 20:00]');
    // Given once: the same session does not get the same memories again; another session does.
    const again = await chat.recall('小天', '我的猫叫什么名字来着？', 's1');
    expect(again).not.toContain('我的猫叫麻薯');
    expect(await chat.recall('小天', '我的猫叫什么名字来着？', 's2')).toContain('我的猫叫麻薯');
    chat.forgetSession('s1');
    expect(await chat.recall('小天', '我的猫叫什么名字来着？', 's1')).toContain('我的猫叫麻薯');
  });

  it('skips trivial queries and what the context already holds', async () => {
    expect(await chat.recall('小天', '你好呀！', 's1')).toBe('');
    expect(await chat.recall('小天', '嗯嗯', 's1')).toBe('');
    const context = await chat.newDialog('小天');
    expect(context).toContain('下周我要去杭州出差');
    expect(await chat.recall('小天', '杭州出差的事', 's3')).not.toContain('下周我要去杭州出差');
    expect(await chat.recall('没有记忆的人', '随便问点什么吧', 's4')).toBe('');
    // What this session said already (the turn log, not yet reported) is not recalled either.
    const fresh = chatMemoryOn(port, m.root);
    fresh.chat.turnLog('小天').user('我的猫叫麻薯，是一只橘猫');
    expect(await fresh.chat.recall('小天', '我的猫叫什么名字', 's5')).not.toContain('我的猫叫麻薯');
    expect(await chatMemoryOn(port, m.root).chat.recall('小天', '我的猫叫什么名字', 's5')).toContain('我的猫叫麻薯');
  });
});

describe('chat memory recall with a slow summary model configured', () => {
  let fake: FakeOpenAi;
  let m: MemoryHarness;
  afterEach(async () => {
    await fake.close();
    await m.idle();
    await m.close();
  });

  it('does not wait for the model keyword expansion the browser search uses', async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    fake.script.chat({ content: '{"关键词": ["猫"]}', delayMs: 10_000, times: Infinity });
    m = await startMemoryApp({ llmBaseUrl: fake.baseUrl });
    const port = await freePort();
    await m.app.listen(port, '127.0.0.1');
    const { chat, outbox } = chatMemoryOn(port, m.root);
    await m.post('/process/小天', inputHistory([['user', '我的猫叫麻薯，是一只橘猫']]));
    // Warm-up (tokenizer, lexicon) so that only the route itself is timed.
    await m.call('GET', `/api/memory/小天/recall?q=${encodeURIComponent('热身')}`);
    const started = Date.now();
    const block = await chat.recall('小天', '我的猫叫什么名字', 's');
    // Waiting for the model would take 10 s; the margin keeps a loaded CI machine from mattering.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(block).toContain('我的猫叫麻薯');
    expect(fake.requests.some((r) => JSON.stringify(r.body ?? '').includes('检索用的关键词'))).toBe(false);
    await outbox.onModuleDestroy();
  });
});

describe('chat memory when the memory server is down or slow', () => {
  const sockets: Socket[] = [];
  let silent: Server;
  let failing: HttpServer;
  let silentPort: number;
  let failingPort: number;
  beforeAll(async () => {
    silent = createServer((s) => sockets.push(s));
    failing = createHttpServer((_req, res) => res.writeHead(500).end('boom'));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
    failingPort = (failing.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    await new Promise((r) => failing.close(r));
  });

  it('newDialog fails with the spec texts: not started, time-out, other', async () => {
    const root = mkdtempSync(join(tmpdir(), 'neko-chat-memory-'));
    const down = await freePort();
    const refused = await rejection(chatMemoryOn(down, root).chat.newDialog('小天'));
    expect(refused).toBeInstanceOf(MemoryUnavailableError);
    expect(refused.message).toBe(`❌ 记忆服务未启动！请先启动记忆服务 (端口 ${down})`);
    const started = Date.now();
    const slow = await rejection(chatMemoryOn(silentPort, root).chat.newDialog('小天'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(slow.message).toBe(`❌ 记忆服务响应超时！请检查记忆服务是否正常运行 (端口 ${silentPort})`);
    const other = await rejection(chatMemoryOn(failingPort, root).chat.newDialog('小天'));
    expect(other.message).toBe(`❌ 记忆服务连接失败: HTTP 500 (端口 ${failingPort})`);
  });

  it('recall answers empty quickly and never throws', async () => {
    const root = mkdtempSync(join(tmpdir(), 'neko-chat-memory-'));
    const started = Date.now();
    expect(await chatMemoryOn(silentPort, root).chat.recall('小天', '我的猫叫什么名字', 's')).toBe('');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await chatMemoryOn(await freePort(), root).chat.recall('小天', '我的猫叫什么名字', 's')).toBe('');
    expect(await chatMemoryOn(failingPort, root).chat.recall('小天', '我的猫叫什么名字', 's')).toBe('');
  });
});
