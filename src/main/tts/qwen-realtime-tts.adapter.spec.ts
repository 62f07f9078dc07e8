import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StreamResampler } from '../audio/audio-pool.port';
import { QwenRealtimeTtsAdapter } from './qwen-realtime-tts.adapter';

/** Duplicates samples (a stand-in for the pool's 24 → 48 kHz resampler). */
function doubling(fail = false): StreamResampler {
  return {
    inRate: 24_000,
    outRate: 48_000,
    push: (pcm) => (fail ? Promise.reject(new Error('the audio worker pool is closed')) : Promise.resolve(Buffer.concat([pcm, pcm]))),
    flush: () => Promise.resolve(Buffer.alloc(0)),
  };
}

interface Behaviour {
  /** Before session.updated: chatter (non-matching events) every 50 ms, and never answer. */
  chatter?: boolean;
  /** Delay of session.updated. */
  readyAfterMs?: number;
}

/** A local socket that speaks DashScope's Qwen realtime TTS protocol: per commit 4 deltas of byte `n`, then response.done. */
async function startQwenLike(behaviour: Behaviour = {}) {
  const wss = new WebSocketServer({ port: 0 });
  await new Promise((r) => wss.once('listening', r));
  let connections = 0;
  let closedByClient = 0;
  let commits = 0;
  wss.on('connection', (ws: WebSocket) => {
    connections++;
    ws.on('close', () => closedByClient++);
    ws.on('message', (data) => {
      const c = JSON.parse((data as Buffer).toString('utf8')) as { type: string };
      const send = (e: Record<string, unknown>): void => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
      };
      if (c.type === 'session.update') {
        if (behaviour.chatter) {
          const t = setInterval(() => send({ type: 'session.heartbeat' }), 50);
          ws.on('close', () => clearInterval(t));
        } else setTimeout(() => send({ type: 'session.updated' }), behaviour.readyAfterMs ?? 0);
      }
      if (c.type === 'input_text_buffer.commit') {
        const n = ++commits;
        // Deltas 20 ms apart, so a consumer can leave while the response is still running.
        for (let i = 0; i < 4; i++) setTimeout(() => send({ type: 'response.audio.delta', delta: Buffer.alloc(480, n).toString('base64') }), 20 * i);
        setTimeout(() => send({ type: 'response.done' }), 100);
      }
    });
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api-ws/v1/realtime`;
  const close = (): Promise<unknown> => {
    for (const client of wss.clients) client.terminate();
    return new Promise((r) => wss.close(r));
  };
  return { url, connections: () => connections, closedByClient: () => closedByClient, close };
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return out;
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('QwenRealtimeTtsAdapter (local socket framing like DashScope)', () => {
  it('the handshake has one deadline: events other than session.updated do not restart it', async () => {
    const server = await startQwenLike({ chatter: true });
    const qwen = new QwenRealtimeTtsAdapter({ apiKey: 'k', url: server.url, resampler: () => doubling(), connectTimeoutMs: 300 });
    const started = Date.now();
    await expect(qwen.connect()).rejects.toMatchObject({ code: 'timeout', retriable: true });
    expect(Date.now() - started).toBeLessThan(1000);
    await until(() => server.closedByClient() === 1);
    expect(server.closedByClient()).toBe(1);
    qwen.close();
    await server.close();
    }, 5000); // without one deadline the handshake would wait for ever

  it('close() during the handshake: the socket that completes afterwards is terminated, not kept', async () => {
    const server = await startQwenLike({ readyAfterMs: 100 });
    const qwen = new QwenRealtimeTtsAdapter({ apiKey: 'k', url: server.url, resampler: () => doubling() });
    const connecting = qwen.connect();
    await until(() => server.connections() === 1);
    qwen.close();
    await expect(connecting).rejects.toMatchObject({ code: 'network', retriable: false });
    await until(() => server.closedByClient() === 1);
    expect(server.closedByClient()).toBe(1);
    await server.close();
  });

  it('a consumer that leaves at a yield, or a failing resampler, drops the socket: the next sentence hears only its own audio', async () => {
    const server = await startQwenLike();
    let failResample = false;
    const qwen = new QwenRealtimeTtsAdapter({ apiKey: 'k', url: server.url, resampler: () => doubling(failResample) });
    for await (const frame of qwen.synthesize('First sentence.')) {
      expect(frame[0]).toBe(1);
      break;
    }
    const second = Buffer.concat(await collect(qwen.synthesize('Second sentence.')));
    expect(second.length).toBe(4 * 960);
    expect(second.every((b) => b === 2)).toBe(true); // nothing of the first response
    expect(server.connections()).toBe(2);

    failResample = true;
    await expect(collect(qwen.synthesize('Third.'))).rejects.toThrow('the audio worker pool is closed');
    failResample = false;
    const fourth = Buffer.concat(await collect(qwen.synthesize('Fourth.')));
    expect(fourth.every((b) => b === 4)).toBe(true);
    expect(server.connections()).toBe(3);
    qwen.close();
    await server.close();
  });
});
