import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CosyVoiceDuplexAdapter, cosyEvent } from './cosyvoice-duplex.adapter';
import { TtsError } from './tts.port';

/** An Ogg page (CRC left zero) with `payload` in 255-byte lacing. */
function oggPage(payload: Buffer, seq: number): Buffer {
  const lacing = [...Array<number>(Math.floor(payload.length / 255)).fill(255), payload.length % 255];
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header.writeUInt32LE(seq, 18);
  header[26] = lacing.length;
  return Buffer.concat([header, Buffer.from(lacing), payload]);
}

interface Command {
  header: { action: string; task_id: string; streaming: string };
  payload: { model?: string; parameters?: Record<string, unknown>; input?: { text?: string } };
}

/**
 * A local socket that frames like DashScope's duplex inference API (not in the fake provider):
 * task-started after run-task, binary Ogg split across frames after finish-task, then task-finished.
 */
async function startDashScopeLike(behaviour: { fail?: string; hang?: boolean; staleFinish?: boolean } = {}) {
  const wss = new WebSocketServer({
    port: 0,
    verifyClient: (info: { req: { headers: Record<string, string | string[] | undefined> } }) => info.req.headers.authorization === 'bearer sk-cosy',
  });
  await new Promise((r) => wss.once('listening', r));
  const commands: Command[] = [];
  let connections = 0;
  wss.on('connection', (ws: WebSocket) => {
    connections++;
    ws.on('message', (data) => {
      const c = JSON.parse((data as Buffer).toString('utf8')) as Command;
      commands.push(c);
      const event = (name: string, extra: Record<string, unknown> = {}) => ws.send(JSON.stringify({ header: { task_id: c.header.task_id, event: name, attributes: {}, ...extra }, payload: {} }));
      if (c.header.action === 'run-task') {
        // A late task-finished of some earlier task on this socket, before this one's events.
        if (behaviour.staleFinish) ws.send(JSON.stringify({ header: { task_id: 'an-earlier-task', event: 'task-finished', attributes: {} }, payload: {} }));
        event('task-started');
      }
      if (c.header.action === 'finish-task') {
        if (behaviour.fail) return event('task-failed', { error_code: behaviour.fail, error_message: 'voice not found' });
        const ogg = Buffer.concat([oggPage(Buffer.alloc(19, 7), 0), oggPage(Buffer.alloc(500, 8), 1)]);
        ws.send(ogg.subarray(0, 100), { binary: true });
        if (behaviour.hang) return;
        ws.send(ogg.subarray(100), { binary: true });
        event('task-finished');
      }
    });
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api-ws/v1/inference`;
  const close = (): Promise<unknown> => {
    for (const client of wss.clients) client.terminate();
    return new Promise((r) => wss.close(r));
  };
  return { url, commands, connections: () => connections, close };
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('CosyVoiceDuplexAdapter (DashScope duplex framing)', () => {
  it('run-task / continue-task / finish-task per sentence on one socket; yields whole Ogg pages', async () => {
    const server = await startDashScopeLike();
    const cosy = new CosyVoiceDuplexAdapter({ apiKey: 'sk-cosy', voice: 'cosyvoice-v3-plus-neko', url: server.url });
    const first = await collect(cosy.synthesize('你好，主人！'));
    const second = await collect(cosy.synthesize('Hello again.'));
    for (const chunks of [first, second]) {
      expect(chunks).toHaveLength(2); // the split page is completed before it is yielded
      for (const c of chunks) expect(c.subarray(0, 4).toString('latin1')).toBe('OggS');
    }
    expect(server.connections()).toBe(1);
    const [run, cont, fin] = server.commands;
    expect(run).toMatchObject({ header: { action: 'run-task', streaming: 'duplex' }, payload: { model: 'cosyvoice-v3-plus', parameters: { voice: 'cosyvoice-v3-plus-neko', format: 'opus', sample_rate: 48000, rate: 1.1, text_type: 'PlainText' } } });
    expect(cont).toMatchObject({ header: { action: 'continue-task', task_id: run.header.task_id }, payload: { input: { text: '你好，主人！' } } });
    expect(fin).toMatchObject({ header: { action: 'finish-task', task_id: run.header.task_id } });
    expect(server.commands[3].header.task_id).not.toBe(run.header.task_id);
    cosy.close();
    await server.close();
  });

  it('task-failed is a non-retriable TtsError; a refused key is unauthorized; an abort drops the socket', async () => {
    const failing = await startDashScopeLike({ fail: 'InvalidParameter' });
    const err: unknown = await collect(new CosyVoiceDuplexAdapter({ apiKey: 'sk-cosy', voice: 'v', url: failing.url }).synthesize('Hi.')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect(err).toMatchObject({ code: 'provider_error', retriable: false });
    const denied: unknown = await collect(new CosyVoiceDuplexAdapter({ apiKey: 'sk-bad', voice: 'v', url: failing.url }).synthesize('Hi.')).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'unauthorized', retriable: false, status: 401 });
    await failing.close();

    const hanging = await startDashScopeLike({ hang: true });
    const cosy = new CosyVoiceDuplexAdapter({ apiKey: 'sk-cosy', voice: 'v', url: hanging.url, responseTimeoutMs: 300 });
    const c = new AbortController();
    const pending = collect(cosy.synthesize('Hi.', { signal: c.signal }));
    setTimeout(() => c.abort(), 100);
    expect(await pending).toHaveLength(1); // the first whole page, then the abort ends it quietly
    const timedOut: unknown = await collect(cosy.synthesize('Again.')).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: 'timeout', retriable: true });
    expect(hanging.connections()).toBe(2);
    cosy.close();
    await hanging.close();
  });

  it('ignores events of another task id; a consumer that stops at a yield leaves the socket dropped, not mid-task', async () => {
    const server = await startDashScopeLike({ staleFinish: true });
    const cosy = new CosyVoiceDuplexAdapter({ apiKey: 'sk-cosy', voice: 'v', url: server.url });
    expect(await collect(cosy.synthesize('Hello.'))).toHaveLength(2); // the stale task-finished did not end it
    for await (const page of cosy.synthesize('Cut short.')) {
      expect(page.subarray(0, 4).toString('latin1')).toBe('OggS');
      break; // as the speech output does on an abort: return() at a yield
    }
    expect(await collect(cosy.synthesize('Next.'))).toHaveLength(2);
    expect(server.connections()).toBe(2); // the cut-short task's socket was dropped
    cosy.close();
    await server.close();
  });

  it('maps frames to events', () => {
    expect(cosyEvent(Buffer.from('{"header":{"event":"task-started","task_id":"t"}}'), false)).toMatchObject({ type: 'task-started', taskId: 't' });
    expect(cosyEvent(Buffer.from('not json'), false)).toBeUndefined();
    expect(cosyEvent(Buffer.from([1, 2, 3]), true)).toMatchObject({ type: 'audio' });
  });
});
