import { Controller, Inject, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Push } from 'zeromq';
import { ZmqClient } from '../../src/shared/transport/zmq/zmq.client';
import { ZmqServer } from '../../src/shared/transport/zmq/zmq.server';
import { freePort, waitFor } from '../support/free-port';

const RECEIVED = Symbol('RECEIVED');
type Tick = { event_type: 'tick'; seq: number };

@Controller()
class TickController {
  constructor(@Inject(RECEIVED) private readonly received: number[]) {}

  @EventPattern('tick')
  onTick(@Payload() event: Tick): void {
    this.received.push(event.seq);
  }
}

/** The "agent" side: a real Nest microservice on the ZeroMQ strategy, connecting a PULL socket. */
async function startReceiver(endpoint: string, received: number[], highWaterMark = 1000): Promise<{ app: INestMicroservice; server: ZmqServer }> {
  @Module({ controllers: [TickController], providers: [{ provide: RECEIVED, useValue: received }] })
  class ReceiverModule {}
  const server = new ZmqServer({
    highWaterMark,
    lingerMs: 1000,
    validate: (e) => (e.event_type === 'tick' && typeof e.seq !== 'number' ? 'seq must be a number' : undefined),
    receivers: { analyze: { type: 'pull', endpoint, bind: false } },
  });
  const app = await NestFactory.createMicroservice(ReceiverModule, { strategy: server, logger: false });
  await app.listen();
  return { app, server };
}

/** The "main" side: a ZmqClient binding PUSH. */
async function startSender(endpoint: string, highWaterMark = 1000, lingerMs = 1000): Promise<ZmqClient> {
  const client = new ZmqClient({ highWaterMark, lingerMs, senders: { analyze: { type: 'push', endpoint, bind: true } }, route: () => 'analyze' });
  await client.connect();
  return client;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('ZeroMQ transport over real sockets', () => {
  let endpoint: string;
  beforeEach(async () => {
    endpoint = `tcp://127.0.0.1:${await freePort()}`;
  });

  it('delivers 10,000 events over PUSH/PULL in order with none lost', async () => {
    const received: number[] = [];
    const { app } = await startReceiver(endpoint, received);
    const client = await startSender(endpoint, 20_000);
    for (const seq of range(0, 10_000)) expect(client.post({ event_type: 'tick', seq })).toBe(true);
    await waitFor(() => received.length === 10_000, '10,000 events');
    expect(received).toEqual(range(0, 10_000));
    await client.close();
    await app.close();
  });

  it('gives a restarted receiver the rest of the stream, queued while it was away', async () => {
    const received: number[] = [];
    let receiver = await startReceiver(endpoint, received);
    const client = await startSender(endpoint, 10_000);
    range(0, 5000).forEach((seq) => client.post({ event_type: 'tick', seq }));
    await waitFor(() => received.length === 5000, 'first half');

    await receiver.app.close();
    await waitFor(() => !client.isConnected('analyze'), 'the sender to see the receiver gone');
    range(5000, 10_000).forEach((seq) => expect(client.post({ event_type: 'tick', seq })).toBe(true));
    expect(client.pending('analyze')).toBeGreaterThan(0);

    receiver = await startReceiver(endpoint, received);
    await waitFor(() => received.length === 10_000, 'second half after restart');
    expect(received).toEqual(range(0, 10_000));
    await client.close();
    await receiver.app.close();
  });

  it('refuses events beyond the configured high-water mark while the peer is away', async () => {
    const client = await startSender(endpoint, 100, 0);
    const accepted = range(0, 150).filter((seq) => client.post({ event_type: 'tick', seq })).length;
    // One message may already sit in ZeroMQ's pending send; the queue holds at most `highWaterMark`.
    expect(accepted).toBeGreaterThanOrEqual(100);
    expect(accepted).toBeLessThanOrEqual(101);
    await client.close();
  });

  it('works whichever side starts first', async () => {
    const received: number[] = [];
    const receiver = await startReceiver(endpoint, received);
    await new Promise((r) => setTimeout(r, 200));
    const client = await startSender(endpoint);
    range(0, 10).forEach((seq) => client.post({ event_type: 'tick', seq }));
    await waitFor(() => received.length === 10, 'events after late bind');
    await client.close();
    await receiver.app.close();
  });

  it('drops malformed frames and unknown or invalid events, then handles the next one', async () => {
    const received: number[] = [];
    const raw = new Push({ linger: 0 });
    await raw.bind(endpoint);
    const { app } = await startReceiver(endpoint, received);
    await raw.send([Buffer.from('{"event_type":"tick","seq":1}'), Buffer.from('second frame')]);
    await raw.send('this is not json');
    await raw.send(Buffer.from([0xc3, 0x28]));
    await raw.send('[1,2,3]');
    await raw.send('{"no_type":true}');
    await raw.send('{"event_type":"unknown_thing","seq":2}');
    await raw.send('{"event_type":"tick","seq":"three"}');
    await raw.send('{"event_type":"tick","seq":4}');
    await waitFor(() => received.length === 1, 'the valid event');
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([4]);
    raw.close();
    await app.close();
  });

  it('shuts down within 2 s with its sockets closed, even with undelivered events', async () => {
    const received: number[] = [];
    const { app, server } = await startReceiver(endpoint, received);
    const client = await startSender(endpoint);
    range(0, 100).forEach((seq) => client.post({ event_type: 'tick', seq }));
    await waitFor(() => received.length === 100, 'events');
    await app.close();
    range(0, 50).forEach((seq) => client.post({ event_type: 'tick', seq }));
    const started = Date.now();
    await client.close();
    await server.closed();
    // ZeroMQ closes sockets in its I/O thread: the bound port is released within LINGER (1 s).
    let rebound = false;
    const again = new Push({ linger: 0 });
    while (!rebound && Date.now() - started < 2000) {
      rebound = await again.bind(endpoint).then(
        () => true,
        () => new Promise<boolean>((r) => setTimeout(() => r(false), 20)),
      );
    }
    expect(rebound).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    again.close();
    // Let the closed socket's linger run out so the worker exits without waiting for it.
    await new Promise((r) => setTimeout(r, 1100));
  });
});
