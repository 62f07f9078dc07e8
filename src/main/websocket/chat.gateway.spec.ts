import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { ChatGateway, MAX_BUFFERED_AUDIO_BYTES, MAX_BUFFERED_BYTES } from './chat.gateway';

/** A real ws server/client pair on loopback; the server side is what the gateway writes to. */
async function pair(): Promise<{ server: WebSocket; client: WebSocket; received: Array<{ data: Buffer; binary: boolean }>; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const serverSide = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: Array<{ data: Buffer; binary: boolean }> = [];
  client.on('message', (data: Buffer, binary: boolean) => received.push({ data: Buffer.from(data), binary }));
  await new Promise<void>((r) => client.once('open', () => r()));
  const server = await serverSide;
  return {
    server,
    client,
    received,
    close: async () => {
      client.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('ChatGateway frames', () => {
  it('parses /ws/<name> names, refusing empty, path-like and over-long ones', () => {
    expect(ChatGateway.nameFrom('/ws/%E5%B0%8F%E5%A4%A9')).toBe('小天');
    expect(ChatGateway.nameFrom('/ws/Luna?x=1')).toBe('Luna');
    expect(ChatGateway.nameFrom('/ws/')).toBeUndefined();
    expect(ChatGateway.nameFrom('/ws/a%2Fb')).toBeUndefined();
    expect(ChatGateway.nameFrom('/ws/%E0%A4%A')).toBeUndefined();
    expect(ChatGateway.nameFrom(`/ws/${'x'.repeat(101)}`)).toBeUndefined();
    expect(ChatGateway.nameFrom(undefined)).toBeUndefined();
  });

  it('sends audio as binary frames and JSON as text frames, in order', async () => {
    const p = await pair();
    try {
      expect(await ChatGateway.sendJson(p.server, { type: 'user_activity' })).toBe(true);
      expect(ChatGateway.sendAudio(p.server, Buffer.from([1, 0, 2, 0, 3, 0]))).toBe(true);
      await until(() => p.received.length === 2);
      expect(p.received[0]).toEqual({ data: Buffer.from('{"type":"user_activity"}'), binary: false });
      expect(p.received[1]).toEqual({ data: Buffer.from([1, 0, 2, 0, 3, 0]), binary: true });
    } finally {
      await p.close();
    }
  });

  it('skips audio for a client that does not keep up, and drops a client that reads nothing at all', async () => {
    const p = await pair();
    try {
      // The client stops reading: what the server sends piles up in its send buffer.
      (p.client as unknown as { _socket: { pause(): void } })._socket.pause();
      const chunk = Buffer.alloc(96_000);
      let skipped = false;
      for (let i = 0; i < 2000 && !skipped; i++) {
        skipped = !ChatGateway.sendAudio(p.server, chunk);
        if (i % 20 === 19) await new Promise((r) => setImmediate(r));
      }
      expect(skipped).toBe(true);
      expect(p.server.bufferedAmount).toBeGreaterThan(MAX_BUFFERED_AUDIO_BYTES);
      expect(p.server.bufferedAmount).toBeLessThan(MAX_BUFFERED_AUDIO_BYTES + 2 * chunk.length);
      // JSON still goes (a status must not be lost to a slow client) until the buffer is hopeless.
      expect(await Promise.race([ChatGateway.sendJson(p.server, { type: 'pong' }), new Promise((r) => setTimeout(() => r('queued'), 50))])).toBe('queued');
      Object.defineProperty(p.server, 'bufferedAmount', { value: MAX_BUFFERED_BYTES + 1 });
      expect(await ChatGateway.sendJson(p.server, { type: 'pong' })).toBe(false);
      await until(() => p.server.readyState === p.server.CLOSED);
      expect(p.server.readyState).toBe(p.server.CLOSED);
    } finally {
      await p.close();
    }
  });
});
