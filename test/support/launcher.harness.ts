import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePortEnv } from './boot-context';
import { waitFor } from './free-port';

/** The repository, from test/support/ as Jest runs it or from dist/test/support/ when a benchmark does. */
const ROOT = ((up) => (basename(up) === 'dist' ? dirname(up) : up))(join(__dirname, '..', '..'));
export const DIST = join(ROOT, 'dist', 'src');
/** What npm start runs: one bundled file per process. */
export const BUNDLE = join(ROOT, 'dist', 'bundle');

/** A running `npm start` equivalent (the compiled launcher) on free ports and a temporary data folder. */
export class LauncherHarness {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly proc: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly env: Record<string, string>) {
    this.proc = spawn(process.execPath, [join(BUNDLE, 'launcher.js')], {
      env: { ...process.env, ...env, NEKO_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.proc.stdout! }).on('line', (l) => this.lines.push(l));
    createInterface({ input: this.proc.stderr! }).on('line', (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(extraEnv: Record<string, string> = {}): Promise<LauncherHarness> {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'neko-e2e-')), 'N.E.K.O');
    return new LauncherHarness({ ...(await freePortEnv()), NEKO_DATA_DIR: dataDir, ...extraEnv });
  }

  port(name: 'main' | 'memory' | 'agent'): number {
    return Number(this.env[{ main: 'NEKO_MAIN_SERVER_PORT', memory: 'NEKO_MEMORY_SERVER_PORT', agent: 'NEKO_TOOL_SERVER_PORT' }[name]]);
  }

  /** Parsed JSON log lines. */
  logs(): Array<Record<string, unknown>> {
    return this.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  async waitForLog(pattern: RegExp, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await waitFor(() => (found = this.logs().find((l) => pattern.test(String(l.msg)))) !== undefined, `log ${pattern}`, timeoutMs);
    return found!;
  }

  /** PIDs of the launcher's child processes (the three servers). */
  childPids(): number[] {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(this.proc.pid)], { encoding: 'utf8' })
        .split('\n')
        .map((s) => Number(s.trim()))
        .filter((n) => n > 0);
    } catch {
      return [];
    }
  }

  /** PID of one server, from its own log lines. */
  pidOf(name: string): number {
    const entries = this.logs().filter((l) => l.process === name && /listening/.test(String(l.msg)));
    return Number(entries[entries.length - 1]?.pid);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET with full control over headers (fetch cannot set Host). */
export function getJson(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
