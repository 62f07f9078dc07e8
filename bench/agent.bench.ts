import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { buildSync } from 'esbuild';
import { filter, firstValueFrom, timeout, type Observable } from 'rxjs';
import { probeHealth } from '../src/launcher/health.probe';
import { AgentBridgeClient } from '../src/main/agent-bridge/agent-bridge.client';
import { parseRuntimeEnv } from '../src/shared/config/env.schema';
import type { TaskResultEvent } from '../src/shared/contracts/agent-bridge.contract';
import { startFakeOpenAi, type FakeOpenAi } from '../test/fake-openai/fake-openai.server';
import { freePortEnv } from '../test/support/boot-context';
import { contentText, requestText } from '../test/support/chat-client.harness';
import { waitFor } from '../test/support/free-port';
import { percentile, printTable, writeResult } from './report';

/*
 * Method. The agent runs from the bundle as its own process (as `npm start` runs it); this process plays
 * main (binds the bridge sockets through the real AgentBridgeClient), the fake model provider and a
 * local web page. (a) analyze_request → analyze_ack: 500 requests with the analyzer off, so only the
 * bridge path is timed. (b) analyze_request → task_result for an MCP call (stdio test server, `clock`
 * tool): analyzer and MCP flag on, each request with a different user text (no fingerprint hit), one
 * at a time; this includes one analyzer model call and the tool call. A result that never comes counts as
 * lost (the bench goes on). While each task runs, resends of its texts under new ids time the ack path with
 * the analyzer on. (c) RSS from /proc: the agent
 * alone when idle, then the agent plus its process tree (MCP server, Chromium) after a browser-use run.
 */

/** The agent bundle; BENCH_AGENT_ENTRY runs another entry (e.g. dist/src/agent/main.js, the unbundled build). */
const AGENT = process.env.BENCH_AGENT_ENTRY ?? join(__dirname, '..', 'bundle', 'agent.js');
const MCP_SERVER_TS = join(__dirname, '..', '..', 'test', 'support', 'mcp-test-server.ts');
const ACKS = Number(process.env.BENCH_AGENT_ACKS ?? 500);
const TASKS = Number(process.env.BENCH_AGENT_TASKS ?? 50);
const PAGE_MARK = 'BENCH-PAGE-CONTENT';
/** Extra analyze_requests per MCP task whose ack is timed while the task runs. */
const BUSY_ACK_PROBES = 3;

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
};

/** Resident set size of one process in MiB (VmRSS of /proc/<pid>/status), 0 when it is gone. */
function rssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number.parseInt(line.replace(/\D+/g, ''), 10) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size in MiB (shared pages split among their users, so a process tree's sum is not inflated). */
function pssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n').find((l) => l.startsWith('Pss:'));
    return line ? Number.parseInt(line.replace(/\D+/g, ''), 10) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every descendant of `root` (walks /proc/<pid>/stat parent ids). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** Model replies by caller: the MCP assessment picks the clock tool; browser use opens the page and reads it. */
function scriptModels(fake: FakeOpenAi, pageUrl: string): void {
  fake.script.defaultChat((body) => {
    const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
    const system = contentText(messages.find((m) => m.role === 'system')?.content);
    if (system.includes('MCP tools below')) {
      return { content: JSON.stringify({ has_task: true, can_execute: true, task_description: 'read the clock', tool_name: 'tests/clock', tool_args: {}, reason: 'time asked' }) };
    }
    if (body.model === 'fake-agent') {
      const text = requestText(body);
      if (text.includes('"action"') || text.includes('navigate')) {
        return { content: JSON.stringify(text.includes(PAGE_MARK) ? { action: 'done', result: 'read the page', success: true } : { action: 'navigate', url: pageUrl }) };
      }
    }
    return { content: 'ok' };
  });
}

async function http(port: number, path: string, json?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: json === undefined ? 'GET' : 'POST',
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return (await res.json()) as Record<string, unknown>;
}

export async function benchAgent(): Promise<void> {
  Logger.overrideLogger(['error']);
  const work = mkdtempSync(join(tmpdir(), 'neko-bench-agent-'));
  const root = join(work, 'N.E.K.O');
  mkdirSync(join(root, 'config'), { recursive: true });
  const serverJs = join(work, 'mcp-test-server.cjs');
  buildSync({ entryPoints: [MCP_SERVER_TS], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: serverJs, logLevel: 'silent' });
  const page: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><h1>${PAGE_MARK}</h1></body></html>`));
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  const fake = await startFakeOpenAi();
  scriptModels(fake, pageUrl);
  writeFileSync(join(root, 'mcp.json'), JSON.stringify({ mcpServers: { tests: { command: process.execPath, args: [serverJs] } } }));
  writeFileSync(
    join(root, 'config', 'core_config.json'),
    JSON.stringify({
      enableCustomApi: true,
      summaryModelUrl: fake.baseUrl, summaryModelId: 'fake-summary', summaryModelApiKey: 'sk-bench',
      agentModelUrl: fake.baseUrl, agentModelId: 'fake-agent', agentModelApiKey: 'sk-bench',
    }),
  );
  const vars = { ...(await freePortEnv()), NEKO_DATA_DIR: root, NEKO_LOG_LEVEL: 'warn' };
  const env = parseRuntimeEnv(vars);
  const bridge = new AgentBridgeClient(env);
  await bridge.onModuleInit();
  const agent: ChildProcess = spawn(process.execPath, [AGENT], { env: { ...process.env, ...vars }, stdio: 'ignore' });
  const port = env.ports.agent;
  try {
    await waitFor(() => probeHealth(port), 'agent /health', 20_000);
    await new Promise((r) => setTimeout(r, 2000));
    const pid = agent.pid ?? 0;
    const idleRss = rssMiB(pid);

    // (a) ack latency, analyzer off.
    const ackMs: number[] = [];
    let acked = 0;
    for (let i = 0; i < ACKS; i++) {
      const t = performance.now();
      if (await bridge.requestAnalysis({ trigger: 'turn_end', lanlan_name: 'bench', messages: [{ role: 'user', content: `ack ${i}` }] })) acked++;
      ackMs.push(performance.now() - t);
    }

    // (b) request → task_result for an MCP tool call.
    await http(port, '/admin/control', { action: 'enable_analyzer' });
    await http(port, '/agent/flags', { mcp_enabled: true });
    await waitFor(async () => {
      const state = await http(port, '/agent/state');
      const caps = (state.snapshot as { capabilities?: Record<string, { ready?: boolean }> } | undefined)?.capabilities;
      return caps?.mcp?.ready === true;
    }, 'MCP channel ready', 30_000);
    const taskMs: number[] = [];
    // Acks while the analyzer is on and a task runs: resends of the running request's texts under new ids
    // (a fingerprint hit, so no extra analysis), sent while its task_result is awaited.
    const busyAckMs: number[] = [];
    let completed = 0;
    let lost = 0;
    for (let i = 0; i < TASKS; i++) {
      // TaskResultEvent also types proactive_message, so on() cannot narrow it by itself.
      const results = bridge.on('task_result') as unknown as Observable<TaskResultEvent>;
      const result = firstValueFrom(results.pipe(filter((e) => e.channel === 'mcp'), timeout(30_000)));
      result.catch(() => undefined); // observed below; a lost result must not become an unhandled rejection first
      const messages = [{ role: 'user' as const, content: `what time is it? (${i})` }];
      const t = performance.now();
      await bridge.requestAnalysis({ trigger: 'turn_end', lanlan_name: 'bench', messages });
      const probes = (async () => {
        for (let k = 0; k < BUSY_ACK_PROBES; k++) {
          const p = performance.now();
          if (await bridge.requestAnalysis({ trigger: 'turn_end', lanlan_name: 'bench', messages })) busyAckMs.push(performance.now() - p);
        }
      })();
      try {
        if ((await result).success) completed++;
        taskMs.push(performance.now() - t);
      } catch {
        lost++; // no task_result within 30 s: a failure of this run, not of the bench
      }
      await probes;
    }
    const mcpTree = descendants(pid);
    const afterMcp = { agent: rssMiB(pid), tree: mcpTree.reduce((n, p) => n + rssMiB(p), 0), treePss: mcpTree.reduce((n, p) => n + pssMiB(p), 0) };

    // (c) RSS with Chromium running: one browser-use run (Chromium stays open while idle).
    let browser: { agent: number; chromiumTree: number; chromiumTreePss: number; processes: number; ok: boolean; error?: string };
    try {
      await http(port, '/agent/flags', { browser_use_enabled: true });
      const run = await http(port, '/browser_use/run', { instruction: `open ${pageUrl} and read the heading` });
      const tree = descendants(pid);
      const sum = (f: (p: number) => number) => tree.reduce((n, p) => n + f(p), 0);
      browser = {
        agent: rssMiB(pid),
        chromiumTree: sum(rssMiB) - afterMcp.tree,
        chromiumTreePss: sum(pssMiB) - afterMcp.treePss,
        processes: tree.length - mcpTree.length,
        ok: run.success === true,
      };
      if (run.success !== true) browser.error = JSON.stringify(run.error ?? run.detail ?? 'failed');
    } catch (err) {
      browser = { agent: rssMiB(pid), chromiumTree: NaN, chromiumTreePss: NaN, processes: 0, ok: false, error: String(err) };
    }

    const ack = stats(ackMs);
    const busyAck = stats(busyAckMs);
    const task = stats(taskMs);
    printTable('Agent server (bundle process; this process plays main and the model provider)', ['metric', 'value'], [
      [`analyze_request → analyze_ack p50 (ms), ${ACKS} requests, analyzer off`, ack.p50],
      ['analyze_request → analyze_ack p99 (ms)', ack.p99],
      ['acked', `${acked}/${ACKS}`],
      [`analyze_request → analyze_ack p50 (ms), analyzer on, during MCP tasks (${busyAckMs.length} acks)`, busyAck.p50],
      ['analyze_request → analyze_ack p99 (ms), during MCP tasks', busyAck.p99],
      [`analyze_request → task_result p50 (ms), MCP clock tool, ${TASKS} requests`, task.p50],
      ['analyze_request → task_result p99 (ms)', task.p99],
      ['tasks completed', `${completed}/${TASKS}`],
      ['task_results lost (none within 30 s)', lost],
      ['agent RSS idle (MiB)', idleRss],
      ['agent RSS after the MCP runs (MiB)', afterMcp.agent],
      ['MCP server process RSS (MiB)', afterMcp.tree],
      ['agent RSS with Chromium open (MiB)', browser.agent],
      [`Chromium process tree RSS, sum over ${browser.processes} processes (MiB)`, browser.chromiumTree],
      ['Chromium process tree PSS (MiB, shared pages split)', browser.chromiumTreePss],
      ['browser-use run', browser.ok ? 'ok' : `failed: ${browser.error ?? ''}`.slice(0, 80)],
    ]);
    console.log(`written ${writeResult('agent', { ackMs: ack, acked, acks: ACKS, busyAckMs: busyAck, busyAcks: busyAckMs.length, taskMs: task, tasks: TASKS, completed, lost, rssMiB: { idle: idleRss, afterMcp, browser } })}`);
  } finally {
    await bridge.onModuleDestroy();
    // exitCode stays null for a process ended by a signal: check signalCode too, and never wait forever.
    const exited = () => agent.exitCode !== null || agent.signalCode !== null;
    if (!exited()) agent.kill('SIGTERM');
    await new Promise((r) => {
      if (exited()) return r(undefined);
      const force = setTimeout(() => {
        agent.kill('SIGKILL');
        r(undefined);
      }, 10_000);
      agent.once('exit', () => {
        clearTimeout(force);
        r(undefined);
      });
    });
    await fake.close();
    page.close();
    rmSync(work, { recursive: true, force: true });
  }
}
