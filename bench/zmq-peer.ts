import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ZmqServer } from '../src/shared/transport/zmq/zmq.server';

/**
 * Benchmark peer in its own process, playing the agent: a Nest microservice on our ZeroMQ strategy
 * that timestamps each `bench` event on arrival. Talks to the benchmark over the IPC channel.
 */
interface BenchEvent {
  event_type: 'bench';
  seq: number;
  /** process.hrtime.bigint() at send, as a string (CLOCK_MONOTONIC is shared by processes on Linux). */
  t: string;
}

const latenciesUs: number[] = [];
let expected = Infinity;

@Controller()
class BenchController {
  @EventPattern('bench')
  onBench(@Payload() event: BenchEvent): void {
    latenciesUs.push(Number(process.hrtime.bigint() - BigInt(event.t)) / 1000);
    if (latenciesUs.length === expected) process.send?.({ type: 'done', latenciesUs });
  }
}

@Module({ controllers: [BenchController] })
class BenchPeerModule {}

async function main(): Promise<void> {
  const endpoint = process.argv[2];
  const server = new ZmqServer({ highWaterMark: 1_000_000, lingerMs: 0, receivers: { analyze: { type: 'pull', endpoint, bind: false } } });
  const app = await NestFactory.createMicroservice(BenchPeerModule, { strategy: server, logger: false });
  await app.listen();
  process.on('message', (msg: { type: string; count?: number }) => {
    if (msg.type === 'expect') {
      latenciesUs.length = 0;
      expected = msg.count ?? Infinity;
      process.send?.({ type: 'ready' });
    }
    if (msg.type === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ type: 'listening' });
}

void main();
