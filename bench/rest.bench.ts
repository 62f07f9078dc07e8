import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeHealth } from '../src/launcher/health.probe';
import { freePortEnv } from '../test/support/boot-context';
import { printTable, writeResult } from './report';

const MAIN = join(__dirname, '..', 'bundle', 'main.js');
const FIXTURE = join(__dirname, '..', '..', 'test', 'fixtures', 'neko-data');
const DURATION_S = Number(process.env.BENCH_REST_SECONDS ?? 5);
const MODELS = 30;

interface RestRow {
  readonly path: string;
  readonly connections: number;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** A data folder with N.E.K.O.'s fixture characters and MODELS user Live2D models to list. */
function dataFolder(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'neko-bench-rest-')), 'N.E.K.O');
  cpSync(FIXTURE, root, { recursive: true });
  writeFileSync(join(root, 'config', 'workshop_config.json'), JSON.stringify({ default_workshop_folder: join(root, 'workshop') }));
  for (let i = 0; i < MODELS; i++) {
    const dir = join(root, 'live2d', `model_${i}`);
    mkdirSync(join(dir, 'motions'), { recursive: true });
    writeFileSync(join(dir, `model_${i}.model3.json`), JSON.stringify({ Version: 3, FileReferences: { Moc: `model_${i}.moc3`, Textures: [] } }));
  }
  return root;
}

function run(url: string, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: DURATION_S, pipelining: 1 });
}

/** REST throughput and latency of main's busiest read endpoints, 1 and 50 concurrent clients. */
export async function benchRest(): Promise<void> {
  const root = dataFolder();
  const env: Record<string, string> = { ...(await freePortEnv()), NEKO_DATA_DIR: root, NEKO_LOG_LEVEL: 'warn', NEKO_LOG_FORMAT: 'json' };
  const port = Number(env['NEKO_MAIN_SERVER_PORT']);
  const proc = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while (!(await probeHealth(port, 200))) {
    if (Date.now() > deadline) throw new Error('main did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  const rows: RestRow[] = [];
  try {
    for (const path of ['/api/characters', '/api/live2d/models']) {
      for (const connections of [1, 50]) {
        const r = await run(`http://127.0.0.1:${port}${path}`, connections);
        rows.push({ path, connections, requestsPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
      }
    }
  } finally {
    proc.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
  printTable(`REST, main server alone (bundle), ${DURATION_S} s per row, ${MODELS} user Live2D models`, ['GET', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx'], rows.map((r) => [r.path, r.connections, r.requestsPerSec, r.p50Ms, r.p99Ms, r.errors, r.non2xx]));
  console.log(`written ${writeResult('rest', { durationSeconds: DURATION_S, models: MODELS, rows })}`);
}
