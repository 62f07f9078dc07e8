import { fork, spawn, type ChildProcess } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentBridgeClient } from '../src/main/agent-bridge/agent-bridge.client';
import { parseRuntimeEnv, zmqEndpoint } from '../src/shared/config/env.schema';
import { ZmqClient } from '../src/shared/transport/zmq/zmq.client';
import { probeHealth } from '../src/launcher/health.probe';
import { freePort, waitFor } from '../test/support/free-port';
import { freePortEnv } from '../test/support/boot-context';
import { percentile, printTable, writeResult } from './report';

const THROUGHPUT_EVENTS = Number(process.env.BENCH_ZMQ_EVENTS ?? 100_000);
const LATENCY_EVENTS = 2000;
const ROUND_TRIPS = 500;
const PAD = 'x'.repeat(100);

function nextMessage(peer: ChildProcess, type: string): Promise<{ type: string; latenciesUs?: number[] }> {
  return new Promise((resolve) => {
    const on = (msg: { type: string }) => {
      if (msg.type !== type) return;
      peer.off('message', on);
      resolve(msg);
    };
    peer.on('message', on);
  });
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
};

/** main → agent over PUSH/PULL between two processes, through ZmqClient and the Nest ZmqServer strategy. */
async function pushPull(): Promise<Record<string, unknown>> {
  const endpoint = zmqEndpoint(await freePort());
  const client = new ZmqClient({ highWaterMark: 1_000_000, lingerMs: 0, senders: { analyze: { type: 'push', endpoint, bind: true } }, route: () => 'analyze' });
  await client.connect();
  const peer = fork(join(__dirname, 'zmq-peer.js'), [endpoint], { stdio: 'ignore' });
  await nextMessage(peer, 'listening');
  await waitFor(() => client.isConnected('analyze'), 'peer connection');

  const send = (seq: number) => client.post({ event_type: 'bench', seq, t: String(process.hrtime.bigint()), pad: PAD });

  // Throughput: as fast as the sender can queue.
  peer.send({ type: 'expect', count: THROUGHPUT_EVENTS });
  await nextMessage(peer, 'ready');
  const done = nextMessage(peer, 'done');
  const t0 = performance.now();
  for (let i = 0; i < THROUGHPUT_EVENTS; i++) send(i);
  const loaded = (await done).latenciesUs!;
  const seconds = (performance.now() - t0) / 1000;

  // Latency: one event per millisecond, an idle link.
  peer.send({ type: 'expect', count: LATENCY_EVENTS });
  await nextMessage(peer, 'ready');
  const idleDone = nextMessage(peer, 'done');
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    send(i);
    await new Promise((r) => setTimeout(r, 1));
  }
  const idle = (await idleDone).latenciesUs!;
  peer.send({ type: 'stop' });
  await new Promise((r) => peer.once('exit', r));
  await client.close();
  return { eventsPerSecond: THROUGHPUT_EVENTS / seconds, events: THROUGHPUT_EVENTS, payloadBytes: 160, idleLatencyUs: stats(idle), loadedLatencyUs: stats(loaded) };
}

/** analyze_request → analyze_ack round trips against the real agent server process. */
async function analyzeRoundTrip(): Promise<Record<string, unknown>> {
  const vars = { ...(await freePortEnv()), NEKO_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'neko-bench-')), 'N.E.K.O'), NEKO_LOG_LEVEL: 'warn' };
  const env = parseRuntimeEnv(vars);
  const agent = spawn(process.execPath, [join(__dirname, '..', 'src', 'agent', 'main.js')], { env: { ...process.env, ...vars }, stdio: 'ignore' });
  const bridge = new AgentBridgeClient(env);
  await bridge.onModuleInit();
  await waitFor(() => probeHealth(env.ports.agent), 'agent /health', 15_000);
  const ms: number[] = [];
  let acked = 0;
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const t = performance.now();
    if (await bridge.requestAnalysis({ trigger: 'turn_end', lanlan_name: 'bench', messages: [{ role: 'user', content: `message ${i}` }] })) acked++;
    ms.push(performance.now() - t);
  }
  await bridge.onModuleDestroy();
  agent.kill('SIGTERM');
  await new Promise((r) => agent.once('exit', r));
  return { roundTrips: ROUND_TRIPS, acked, ackMs: stats(ms) };
}

export async function benchZmq(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']);
  const pp = await pushPull();
  const rt = await analyzeRoundTrip();
  const idle = pp.idleLatencyUs as ReturnType<typeof stats>;
  const loaded = pp.loadedLatencyUs as ReturnType<typeof stats>;
  const ack = rt.ackMs as ReturnType<typeof stats>;
  printTable('ZeroMQ main → agent (two processes, PUSH/PULL, ~160-byte JSON events)', ['metric', 'value'], [
    ['throughput (events/s)', Math.round(pp.eventsPerSecond as number)],
    ['one-way latency, idle p50 (µs)', idle.p50],
    ['one-way latency, idle p99 (µs)', idle.p99],
    [`one-way latency, during the ${THROUGHPUT_EVENTS.toLocaleString('en-US')}-event burst p50 (ms)`, loaded.p50 / 1000],
    [`one-way latency, during the burst p99 (ms)`, loaded.p99 / 1000],
    [`analyze_request → analyze_ack round trip p50 (ms), real agent server`, ack.p50],
    ['analyze_request → analyze_ack round trip p99 (ms)', ack.p99],
    ['acked', `${rt.acked as number}/${ROUND_TRIPS}`],
  ]);
  console.log(`written ${writeResult('zmq', { pushPull: pp, analyzeRoundTrip: rt })}`);
}
