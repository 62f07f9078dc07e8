import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MemoryServerClient } from '../../src/main/clients/peer-clients.module';
import { ChatMemoryModule } from '../../src/main/chat-memory/chat-memory.module';
import { CHAT_MEMORY, type ChatMemory } from '../../src/main/chat-memory/chat-memory.port';
import { ChatMemoryService } from '../../src/main/chat-memory/chat-memory.service';
import { MemoryOutboxService } from '../../src/main/chat-memory/memory-outbox.service';
import { IngestService } from '../../src/memory/ingest/ingest.service';
import { MemoryAppModule } from '../../src/memory/memory-app.module';
import { TimeIndexRepository } from '../../src/memory/time-index/time-index.repository';
import { CharactersService } from '../../src/shared/config/characters.service';
import { ConfigModule } from '../../src/shared/config/config.module';
import { parseRuntimeEnv, type RuntimeEnv } from '../../src/shared/config/env.schema';
import { dataFolderAt } from '../../src/shared/data/data-folder';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { freePortEnv } from '../support/boot-context';
import { freePort, waitFor } from '../support/free-port';
import { startMemoryApp } from '../support/memory-app.harness';

process.env.NEKO_LANGUAGE = 'zh';
jest.setTimeout(60_000);

/** The memory server on `root` (a restart when the folder was used before), not listening yet. */
async function memoryApp(root: string): Promise<NestFastifyApplication> {
  const ctx = await createBootContext('memory', { ...(await freePortEnv()), NEKO_DATA_DIR: root });
  const moduleRef = await Test.createTestingModule({ imports: [MemoryAppModule.register(ctx)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  await app.init();
  return app;
}

/** Texts of the stored turns of a character, oldest first, through the memory server's JSON API. */
async function storedTurns(app: NestFastifyApplication, name: string): Promise<string[]> {
  const res = await app.inject({ method: 'GET', url: `/api/memory/${encodeURIComponent(name)}/turns?order=asc&limit=500` });
  const json = res.json<{ total: number; items: Array<{ text: string }> }>();
  expect(json.items).toHaveLength(json.total);
  return json.items.map((i) => i.text.replace(/^\[\d{8} \w{3} \d\d:\d\d\] /, ''));
}

describe('chat memory outbox with the real memory server', () => {
  let root: string;
  let port: number;
  let env: RuntimeEnv;
  let memory: NestFastifyApplication | undefined;
  const outboxes: MemoryOutboxService[] = [];

  const outboxDir = () => join(root, 'outbox', 'memory');
  const pendingFiles = () => readdirSync(outboxDir()).filter((f) => f.endsWith('.json'));
  const failedFiles = () => readdirSync(join(outboxDir(), 'failed'));
  async function startOutbox(): Promise<MemoryOutboxService> {
    const outbox = new MemoryOutboxService(dataFolderAt(root), new MemoryServerClient(env), { firstRetryMs: 50, maxRetryMs: 400, deliveryTimeoutMs: 5000 });
    await outbox.onModuleInit();
    outboxes.push(outbox);
    return outbox;
  }
  const chatMemory = (outbox: MemoryOutboxService) => new ChatMemoryService(new MemoryServerClient(env), env, outbox, new CharactersService(dataFolderAt(root)));
  async function startMemory(): Promise<NestFastifyApplication> {
    memory = await memoryApp(root);
    await memory.listen(port, '127.0.0.1');
    return memory;
  }
  async function stopMemory(): Promise<void> {
    await memory?.get(IngestService).idle();
    await memory?.close();
    memory = undefined;
  }

  beforeEach(async () => {
    // The fixture data folder, shared by main and the memory server as in production.
    const harness = await startMemoryApp();
    root = harness.root;
    await harness.close();
    port = await freePort();
    env = parseRuntimeEnv({ NEKO_MEMORY_SERVER_PORT: String(port), NEKO_DATA_DIR: root });
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.onModuleDestroy();
    await stopMemory();
  });

  it('delivers turns reported while the memory server was down, in order, once', async () => {
    const outbox = await startOutbox();
    const chat = chatMemory(outbox);
    const log = chat.turnLog('小天');
    log.user('第一句');
    log.assistant('回答一');
    log.turnEnd();
    await log.renew();
    log.user('第二句');
    log.assistant('回答二');
    log.turnEnd();
    expect(await log.sessionEnd()).toEqual([{ role: 'user', content: '第二句' }, { role: 'assistant', content: expect.stringMatching(/^\[\d{8} \w{3} \d\d:\d\d\] 回答二$/) }]);
    const other = chat.turnLog('小黑');
    other.user('别的角色');
    await other.sessionEnd();
    // Durable before renew()/sessionEnd() resolved, and nothing delivered while the server is down.
    expect(pendingFiles()).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(outbox.pending()).toBe(3);

    await startMemory();
    await outbox.flush(20_000);
    expect(await storedTurns(memory!, '小天')).toEqual(['第一句', '回答一', '第二句', '回答二']);
    expect(await storedTurns(memory!, '小黑')).toEqual(['别的角色']);
    expect(pendingFiles()).toEqual([]);
    expect(failedFiles()).toEqual([]);
  });

  it('keeps pending reports over a restart of main and delivers them in the order written', async () => {
    let outbox = await startOutbox();
    const chat = chatMemory(outbox);
    const log = chat.turnLog('小天');
    for (let i = 0; i < 6; i++) {
      log.user(`问${i}`);
      log.assistant(`答${i}`);
      log.turnEnd();
      if (i % 2 === 0) await log.renew();
      else await log.sessionEnd();
    }
    const files = pendingFiles();
    expect(files).toHaveLength(6);
    await outbox.onModuleDestroy();
    expect(pendingFiles()).toEqual(files);

    // main starts again: the pending files are picked up and delivered in the order written.
    await startMemory();
    outbox = await startOutbox();
    await outbox.idle(20_000);
    const expected = Array.from({ length: 6 }, (_, i) => [`问${i}`, `答${i}`]).flat();
    expect(await storedTurns(memory!, '小天')).toEqual(expected);
    expect(pendingFiles()).toEqual([]);
  });

  it('does not store a report twice when its file survived the delivery (crash before removal)', async () => {
    const outbox = await startOutbox();
    const log = chatMemory(outbox).turnLog('小天');
    log.user('只存一次');
    log.assistant('好的');
    await log.sessionEnd();
    const [file] = pendingFiles();
    const copy = join(root, 'kept-copy.json');
    copyFileSync(join(outboxDir(), file), copy);
    await startMemory();
    await outbox.idle(20_000);
    await outbox.onModuleDestroy();
    copyFileSync(copy, join(outboxDir(), file));
    const restarted = await startOutbox();
    expect(restarted.pending()).toBe(1);
    await restarted.idle(20_000);
    expect(await storedTurns(memory!, '小天')).toEqual(['只存一次', '好的']);
    expect(pendingFiles()).toEqual([]);
  });

  it('retries while the memory server restarts and loses nothing', async () => {
    await startMemory();
    const outbox = await startOutbox();
    const log = chatMemory(outbox).turnLog('小天');
    log.user('重启前');
    await log.renew();
    await outbox.idle(20_000);
    await stopMemory();
    for (let i = 0; i < 3; i++) {
      log.user(`停机时${i}`);
      await log.renew();
    }
    await waitFor(() => outbox.pending() === 3, 'three pending reports');
    await startMemory();
    await outbox.idle(20_000);
    expect(await storedTurns(memory!, '小天')).toEqual(['重启前', '停机时0', '停机时1', '停机时2']);
  });

  it('flushFor waits for the reports of one character (before a rename), false when not delivered in time', async () => {
    const outbox = await startOutbox();
    const chat = chatMemory(outbox);
    chat.turnLog('小天').user('改名前说的');
    await chat.turnLog('小天').renew();
    expect(await chat.flushFor('小天', 100)).toBe(false);
    await startMemory();
    expect(await chat.flushFor('小天', 10_000)).toBe(true);
    expect(await storedTurns(memory!, '小天')).toEqual(['改名前说的']);
    expect(pendingFiles()).toEqual([]);
  });

  it('is wired by ChatMemoryModule: CHAT_MEMORY, outbox under <data root>/outbox/memory, files kept over app close', async () => {
    const ctx = await createBootContext('main', { NEKO_MEMORY_SERVER_PORT: String(port), NEKO_DATA_DIR: root });
    const open = async () => {
      const ref = await Test.createTestingModule({ imports: [ConfigModule.forRoot(ctx), ChatMemoryModule] }).compile();
      return ref.createNestApplication(new FastifyAdapter(), { logger: ['error'] }).init();
    };
    let app = await open();
    const chat = app.get<ChatMemory>(CHAT_MEMORY);
    expect(chat).toBeInstanceOf(ChatMemoryService);
    expect(app.get(ChatMemoryService)).toBe(chat);
    const log = chat.turnLog('小天');
    log.user('模块里写的');
    await log.sessionEnd();
    expect(pendingFiles()).toHaveLength(1);
    await app.close();
    expect(pendingFiles()).toHaveLength(1);
    await startMemory();
    app = await open();
    try {
      await app.get(MemoryOutboxService).idle(20_000);
    } finally {
      await app.close();
    }
    expect(await storedTurns(memory!, '小天')).toEqual(['模块里写的']);
  });

  it('retries 5xx answers and answers that are not the memory server\'s, until processed', async () => {
    const answers: Array<[number, string]> = [[503, 'busy'], [200, '<html>not the memory server</html>'], [502, ''], [200, '{"status":"processed"}']];
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.url} ${(JSON.parse(body) as { delivery_id: string }).delivery_id}`);
        const [status, text] = answers.shift() ?? [500, 'no more answers'];
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      });
    });
    await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
    try {
      const outbox = await startOutbox();
      const entry = await outbox.enqueue('小天', 'renew', '[]');
      await outbox.idle(10_000);
      expect(seen).toEqual(Array.from({ length: 4 }, () => `/renew/${encodeURIComponent('小天')} ${entry.deliveryId}`));
      expect(pendingFiles()).toEqual([]);
      expect(failedFiles()).toEqual([]);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('retries a report the memory server could not store (storage error → 503), not moving it aside', async () => {
    await startMemory();
    const store = jest.spyOn(memory!.get(TimeIndexRepository), 'storeMessages').mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    const outbox = await startOutbox();
    const log = chatMemory(outbox).turnLog('小天');
    log.user('存储忙时说的');
    await log.sessionEnd();
    await outbox.idle(20_000);
    expect(store).toHaveBeenCalledTimes(2);
    store.mockRestore();
    expect(await storedTurns(memory!, '小天')).toEqual(['存储忙时说的']);
    expect(pendingFiles()).toEqual([]);
    expect(failedFiles()).toEqual([]);
  });

  it('moves a report the memory server refuses for good to failed/ and goes on with the next', async () => {
    await startMemory();
    const outbox = await startOutbox();
    await outbox.enqueue('小天', 'process', '[{"role": "robot", "content": "x"}]');
    await outbox.enqueue('a..b', 'renew', '[]');
    const log = chatMemory(outbox).turnLog('小天');
    log.user('后面的照常送达');
    await log.sessionEnd();
    await outbox.idle(20_000);
    expect(await storedTurns(memory!, '小天')).toEqual(['后面的照常送达']);
    expect(pendingFiles()).toEqual([]);
    const failed = failedFiles().map((f) => JSON.parse(readFileSync(join(outboxDir(), 'failed', f), 'utf8')) as { lanlanName: string; body: { input_history: string }; failure: { reason: string } });
    expect(failed.map((f) => [f.lanlanName, f.failure.reason])).toEqual([
      ['小天', 'memory server: message 0 has an unknown role "robot"'],
      ['a..b', expect.stringMatching(/^HTTP 400: .*Invalid characters in lanlan_name/)],
    ]);
    expect(failed[0].body.input_history).toBe('[{"role": "robot", "content": "x"}]');
  });
});
