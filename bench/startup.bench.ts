import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeHealth } from '../src/launcher/health.probe';
import { freePortEnv } from '../test/support/boot-context';
import { median, printTable, writeResult } from './report';

/** What npm start runs. */
const LAUNCHER = join(__dirname, '..', 'bundle', 'launcher.js');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function childPids(pid: number): number[] {
  return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((n) => n > 0);
}

function commandOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
}

interface StartupRun {
  readonly readyMs: number;
  readonly rssMiB: Record<string, number>;
}

/** One cold start of `npm start`'s launcher on a fresh data folder: time until all three answer /health, RSS at that moment. */
async function oneRun(): Promise<StartupRun> {
  const root = mkdtempSync(join(tmpdir(), 'neko-bench-'));
  const env: Record<string, string> = { ...(await freePortEnv()), NEKO_DATA_DIR: join(root, 'N.E.K.O'), NEKO_LOG_LEVEL: 'warn', NEKO_LOG_FORMAT: 'json' };
  const ports = [env.NEKO_MAIN_SERVER_PORT, env.NEKO_MEMORY_SERVER_PORT, env.NEKO_TOOL_SERVER_PORT].map(Number);
  const started = performance.now();
  const proc = spawn(process.execPath, [LAUNCHER], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const ok = new Set<number>();
  while (ok.size < 3) {
    await Promise.all(ports.filter((p) => !ok.has(p)).map(async (p) => (await probeHealth(p, 200)) && ok.add(p)));
    if (ok.size < 3) await new Promise((r) => setTimeout(r, 5));
    if (performance.now() - started > 30_000) throw new Error('servers did not start within 30 s');
  }
  const readyMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 300)); // let the ready line and GC settle before sampling memory
  const rss: Record<string, number> = { launcher: rssMiB(proc.pid!) };
  for (const pid of childPids(proc.pid!)) {
    const name = /dist\/bundle\/(\w+)\.js/.exec(commandOf(pid))?.[1] ?? String(pid);
    rss[name] = rssMiB(pid);
  }
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
  rmSync(root, { recursive: true, force: true });
  return { readyMs, rssMiB: rss };
}

export async function benchStartup(): Promise<void> {
  const runs: StartupRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await oneRun());
  const ready = runs.map((r) => r.readyMs);
  const names = ['main', 'memory', 'agent', 'launcher'];
  const rss = Object.fromEntries(names.map((n) => [n, median(runs.map((r) => r.rssMiB[n]))]));
  const servers = rss.main + rss.memory + rss.agent;
  printTable(`Cold start (${RUNS} runs, fresh data folder each): spawn → all three answer /health`, ['metric', 'min', 'median', 'max'], [
    ['ready (ms)', Math.min(...ready), median(ready), Math.max(...ready)],
  ]);
  printTable('RSS at ready (MiB, median of runs)', ['process', 'RSS MiB'], [
    ...names.map((n) => [n, rss[n]] as [string, number]),
    ['three servers', servers],
    ['whole tree', servers + rss.launcher],
  ]);
  console.log('For the record, N.E.K.O. (Python) reports 6.9–13.8 s to ready and 742.7 MiB for its three-server tree.');
  const file = writeResult('startup', { runs, readyMs: { min: Math.min(...ready), median: median(ready), max: Math.max(...ready) }, rssMiB: { ...rss, servers, tree: servers + rss.launcher } });
  console.log(`written ${file}`);
}
