import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { probeHealth } from '../src/launcher/health.probe';
import { startFakeOpenAi, type FakeOpenAi, type RecordedRequest } from '../test/fake-openai/fake-openai.server';
import { silencePcm16, sinePcm16 } from '../test/fake-openai/pcm-audio.util';
import { freePortEnv } from '../test/support/boot-context';
import { CHAT_MODEL, chatCoreConfig, connectChat, isTurnEnd, lastUserText, replyText, type ChatClient, type ChatEvent } from '../test/support/chat-client.harness';
import { percentile, printTable, writeResult } from './report';

/*
 * Method. The fake provider runs inside this bench process; main and memory run from the bundle
 * as separate processes, as `npm start` runs them. Both ends of every measurement are therefore
 * read from this process's performance.now():
 *  (a) provider delta → frame: ServerResponse.prototype.write is wrapped (main is another process,
 *      so only the fake's SSE writes pass here) and stamps each chunk when the fake hands it to
 *      the socket. Every chunk is one marker "(sssttkk)" (session, turn, chunk in base 8 written
 *      with the symbols !#$%&*+=); the client stamps a marker when the gemini_response text that
 *      completes it arrives. Markers have no letters or digits, so the speech adapter has nothing
 *      to speak and TTS adds no load: this is the LLM → WebSocket path alone.
 *  (b) user frame → upstream request: the client stamps `stream_data` just before sending it;
 *      fake.requests.push is wrapped to stamp the moment the fake has read the request body
 *      (this includes the memory search main makes before each user turn).
 *  (c) provider audio delta → binary frame: ws's WebSocket.prototype.send is wrapped to stamp the
 *      fake's audio and transcript deltas per response_id. A client's reply transcript names the
 *      response (every reply is unique); delta i counts as delivered by the first binary frame
 *      that brings the turn's received bytes to 2 × (24 kHz bytes of deltas 0..i) − 20 ms of
 *      48 kHz audio (deltas are 100 ms, so that frame must carry delta i's audio).
 * Hot swap is pushed out of the run (NEKO_HOT_SWAP_AFTER_MS) so that it does not add sessions.
 * The clients and the fake share this process (and the machine's cores with main), so the
 * figures are an upper bound: they include the client side's event-loop time and two loopback hops.
 */

const MAIN = join(__dirname, '..', 'bundle', 'main.js');
const MEMORY = join(__dirname, '..', 'bundle', 'memory.js');
const FIXTURE = join(__dirname, '..', '..', 'test', 'fixtures', 'neko-data');
const TEXT_SESSIONS = (process.env.BENCH_CHAT_SESSIONS ?? '1,20,100').split(',').map(Number);
const VOICE_SESSIONS = (process.env.BENCH_CHAT_VOICE_SESSIONS ?? '1,20').split(',').map(Number);
const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 3);
const CHUNKS = 10;
const CHUNK_DELAY_MS = 20;
const MAX_CHARACTERS = Math.max(...TEXT_SESSIONS, ...VOICE_SESSIONS);
const SYMBOLS = '!#$%&*+=';
const MARKER = /\(([!#$%&*+=]{7})\)/g;

const enc = (n: number, width: number): string => Array.from({ length: width }, (_, i) => SYMBOLS[Math.floor(n / 8 ** (width - 1 - i)) % 8]).join('');
const marker = (s: number, t: number, k: number) => `(${enc(s, 3)}${enc(t, 2)}${enc(k, 2)})`;
const character = (s: number) => `bench_${s}`;

interface Stamps {
  readonly chunkSent: Map<string, number>;
  readonly requestSeen: Map<string, number>;
  readonly audio: Map<string, { transcript: string; deltas: Array<{ at: number; bytes: number }> }>;
}

/** The wrappers of the method above; returns the undo. */
function instrument(fake: FakeOpenAi, stamps: Stamps): () => void {
  const write = ServerResponse.prototype.write;
  ServerResponse.prototype.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.startsWith('data: {')) {
      const at = performance.now();
      for (const m of chunk.matchAll(MARKER)) stamps.chunkSent.set(m[1], at);
    }
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    if (typeof data === 'string' && data.includes('"response_id"') && /audio(_transcript)?\.delta"/.test(data)) {
      const at = performance.now();
      const e = JSON.parse(data) as { type: string; response_id: string; delta: string };
      const r = stamps.audio.get(e.response_id) ?? { transcript: '', deltas: [] };
      stamps.audio.set(e.response_id, r);
      if (e.type.includes('transcript')) r.transcript += e.delta;
      else r.deltas.push({ at, bytes: Buffer.byteLength(e.delta, 'base64') });
    }
    return (send as (...a: unknown[]) => void).call(this, data, ...rest);
  } as typeof send;
  const push = fake.requests.push.bind(fake.requests);
  fake.requests.push = (...records: RecordedRequest[]) => {
    const at = performance.now();
    for (const r of records) {
      const m = r.body?.model === CHAT_MODEL ? /bench-(\d+)-(\d+)/.exec(lastUserText(r.body)) : null;
      if (m) stamps.requestSeen.set(`${m[1]}.${m[2]}`, at);
    }
    return push(...records);
  };
  return () => {
    ServerResponse.prototype.write = write;
    WebSocket.prototype.send = send;
  };
}

/** A data folder with MAX_CHARACTERS characters (one session manager each) and the fake as every provider. */
function dataFolder(fake: FakeOpenAi): string {
  const root = join(mkdtempSync(join(tmpdir(), 'neko-bench-chat-')), 'N.E.K.O');
  cpSync(FIXTURE, root, { recursive: true });
  const characters = JSON.parse(readFileSync(join(root, 'config', 'characters.json'), 'utf8')) as Record<string, unknown>;
  const girls: Record<string, unknown> = {};
  for (let s = 0; s < MAX_CHARACTERS; s++) girls[character(s)] = { 性别: '女', voice_id: '', system_prompt: `你是{LANLAN_NAME}，{MASTER_NAME}的猫娘。` };
  writeFileSync(join(root, 'config', 'characters.json'), JSON.stringify({ ...characters, 猫娘: girls, 当前猫娘: character(0) }, null, 2));
  writeFileSync(join(root, 'config', 'workshop_config.json'), JSON.stringify({ default_workshop_folder: join(root, 'workshop') }));
  writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(chatCoreConfig(fake, { speech: true, omniModel: 'gpt-realtime' }), null, 2));
  return root;
}

async function startServers(root: string): Promise<{ port: number; procs: ChildProcess[] }> {
  const env: Record<string, string> = { ...(await freePortEnv()), NEKO_DATA_DIR: root, NEKO_LOG_LEVEL: 'warn', NEKO_LOG_FORMAT: 'json', NEKO_HOT_SWAP_AFTER_MS: '86400000' };
  const ports = [Number(env.NEKO_MAIN_SERVER_PORT), Number(env.NEKO_MEMORY_SERVER_PORT)];
  const procs = [MAIN, MEMORY].map((file) => spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: 'ignore' }));
  const deadline = Date.now() + 30_000;
  for (const port of ports) {
    while (!(await probeHealth(port, 200))) {
      if (Date.now() > deadline) throw new Error(`server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { port: ports[0], procs };
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone (so its data folder can be removed). */
function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

async function connectAll(baseUrl: string, n: number, mode: 'text' | 'audio'): Promise<ChatClient[]> {
  const clients = await Promise.all(Array.from({ length: n }, (_, s) => connectChat(baseUrl, character(s))));
  for (const c of clients) c.send('start_session', { input_type: mode, new_session: true });
  await Promise.all(clients.map((c) => c.next('session_started', { timeoutMs: 60_000 })));
  return clients;
}

async function closeAll(clients: readonly ChatClient[]): Promise<void> {
  for (const c of clients) c.send('end_session');
  await new Promise((r) => setTimeout(r, 300));
  await Promise.all(clients.map((c) => c.close()));
}

interface Row {
  readonly sessions: number;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly extra: number;
}
const stats = (sessions: number, values: number[], extra: number): Row => {
  const sorted = [...values].sort((a, b) => a - b);
  return { sessions, samples: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), extra };
};

/** (a) and (b) for n concurrent text sessions of TURNS turns each. */
async function textRun(baseUrl: string, n: number, stamps: Stamps): Promise<{ delta: Row; request: Row }> {
  stamps.chunkSent.clear();
  stamps.requestSeen.clear();
  const clients = await connectAll(baseUrl, n, 'text');
  const sent = new Map<string, number>();
  let failures = 0;
  await Promise.all(
    clients.map(async (c, s) => {
      for (let t = 0; t < TURNS; t++) {
        const from = c.mark();
        sent.set(`${s}.${t}`, performance.now());
        c.send('stream_data', { input_type: 'text', data: `bench-${s}-${t}` });
        await c.collectUntil(isTurnEnd, { from, timeoutMs: 60_000 }).catch(() => failures++);
      }
    }),
  );
  const deltas: number[] = [];
  for (const c of clients) {
    let text = '';
    for (const e of c.events) {
      if (e.kind !== 'json' || e.message.type !== 'gemini_response') continue;
      const before = text.length;
      text += String(e.message.text);
      for (const m of text.matchAll(MARKER)) {
        const sentAt = stamps.chunkSent.get(m[1]);
        if (m.index + m[0].length > before && sentAt !== undefined) deltas.push(e.at - sentAt);
      }
    }
  }
  const requests = [...sent].flatMap(([key, at]) => (stamps.requestSeen.has(key) ? [stamps.requestSeen.get(key)! - at] : []));
  await closeAll(clients);
  return { delta: stats(n, deltas, failures), request: stats(n, requests, n * TURNS - requests.length) };
}

/** (c) for n concurrent voice sessions: one spoken question per turn (sent in real time), a unique 40-character reply each. */
async function voiceRun(baseUrl: string, fake: FakeOpenAi, n: number, stamps: Stamps): Promise<Row> {
  stamps.audio.clear();
  const clients = await connectAll(baseUrl, n, 'audio');
  fake.script.realtime(...Array.from({ length: n * TURNS }, (_, j) => ({ reply: `Voice reply number ${String(j).padStart(4, '0')}, nya nya nya!` })));
  const question = Buffer.concat([sinePcm16(300, 48_000), silencePcm16(900, 48_000)]);
  const latencies: number[] = [];
  let unmatched = 0;
  await Promise.all(
    clients.map(async (c) => {
      for (let t = 0; t < TURNS; t++) {
        const from = c.mark();
        await c.speak(question, { burst: 5, paceMs: 50 }); // real time, as a microphone sends it
        const turn = await c.collectUntil(isTurnEnd, { from, timeoutMs: 60_000 }).catch(() => [] as ChatEvent[]);
        await new Promise((r) => setTimeout(r, 200));
        const said = replyText(turn);
        const response = [...stamps.audio.values()].find((r) => r.transcript === said && said !== '');
        if (!response) {
          unmatched++;
          continue;
        }
        const frames = c.since(from).filter((e) => e.kind === 'audio');
        let target = 0;
        let received = 0;
        let f = 0;
        for (const d of response.deltas) {
          target += d.bytes * 2;
          while (f < frames.length && received < target - 1920) {
            const frame = frames[f++];
            if (frame.kind === 'audio') received += frame.bytes.length;
          }
          if (received >= target - 1920) latencies.push(frames[f - 1].at - d.at);
        }
      }
    }),
  );
  await closeAll(clients);
  fake.script.reset();
  return stats(n, latencies, unmatched);
}

/** Server-added chat latency with 1, 20 and 100 concurrent sessions (issue 5, "npm run bench"). */
export async function benchChatLatency(): Promise<void> {
  const fake = await startFakeOpenAi({ apiKey: 'sk-test', deltaIntervalMs: 20, inputSampleRate: 16_000 });
  const stamps: Stamps = { chunkSent: new Map(), requestSeen: new Map(), audio: new Map() };
  const undo = instrument(fake, stamps);
  fake.script.defaultChat((body) => {
    const m = /bench-(\d+)-(\d+)/.exec(lastUserText(body));
    if (body.model !== CHAT_MODEL || !m) return { content: 'ok' };
    return { content: Array.from({ length: CHUNKS }, (_, k) => marker(Number(m[1]), Number(m[2]), k)).join(''), chunkSize: 9, chunkDelayMs: CHUNK_DELAY_MS };
  });
  const root = dataFolder(fake);
  const { port, procs } = await startServers(root);
  const baseUrl = `http://127.0.0.1:${port}`;
  const text: Array<{ delta: Row; request: Row }> = [];
  const voice: Row[] = [];
  try {
    for (const n of TEXT_SESSIONS) text.push(await textRun(baseUrl, n, stamps));
    for (const n of VOICE_SESSIONS) voice.push(await voiceRun(baseUrl, fake, n, stamps));
  } finally {
    undo();
    await Promise.all(procs.map(stop));
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
  printTable(`Chat, text mode: server-added latency (main + memory bundles, fake provider in the bench process; ${TURNS} turns × ${CHUNKS} deltas per session, ${CHUNK_DELAY_MS} ms apart)`,
    ['sessions', 'deltas', 'delta→frame p50 ms', 'p99 ms', 'user frame→upstream p50 ms', 'p99 ms', 'failed turns'],
    text.map((r) => [r.delta.sessions, r.delta.samples, r.delta.p50Ms, r.delta.p99Ms, r.request.p50Ms, r.request.p99Ms, r.delta.extra]));
  printTable('Chat, voice mode (gpt-realtime dialect): provider audio delta → binary frame (24 → 48 kHz resampled)',
    ['sessions', 'deltas', 'p50 ms', 'p99 ms', 'unmatched turns'],
    voice.map((r) => [r.sessions, r.samples, r.p50Ms, r.p99Ms, r.extra]));
  console.log(`written ${writeResult('chat-latency', { turns: TURNS, chunks: CHUNKS, chunkDelayMs: CHUNK_DELAY_MS, text, voice })}`);
}
