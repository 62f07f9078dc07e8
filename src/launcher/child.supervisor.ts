import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { LogFormat } from '../shared/config/env.schema';
import { EXIT_CONFIG } from '../shared/config/env.schema';

export interface ChildSpec {
  readonly name: 'main' | 'memory' | 'agent';
  readonly script: string;
  readonly port: number;
}

export interface ChildEvents {
  /** The child exited with the configuration exit code: restarting cannot help. */
  onFatal(child: ChildSpec, code: number): void;
  /** The child asked the whole app to stop (main's browser-mode shutdown beacon). */
  onShutdownRequest(child: ChildSpec, reason: string): void;
}

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** A child that stayed up this long is considered healthy again: its back-off resets. */
const STABLE_AFTER_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/**
 * Runs one server as a child process: forwards its output line by line (stderr lines are tagged
 * with the process name), restarts it with exponential back-off when it crashes, stops it on request.
 */
export class ChildSupervisor {
  private proc: ChildProcess | undefined;
  private stopping = false;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: ChildSpec,
    private readonly logFormat: LogFormat,
    private readonly log: Logger,
    private readonly events: ChildEvents,
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  start(): void {
    const startedAt = Date.now();
    const proc = spawn(process.execPath, [this.spec.script], {
      env: { ...process.env, NEKO_LOG_FORMAT: this.logFormat },
      // ipc: the child exits when the launcher's channel closes (even if the launcher is killed -9)
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: process.platform !== 'win32',
    });
    this.proc = proc;
    this.forward(proc);
    proc.on('message', (msg: unknown) => {
      const m = msg as { type?: unknown; reason?: unknown } | null;
      if (m?.type === 'shutdown') this.events.onShutdownRequest(this.spec, typeof m.reason === 'string' ? m.reason : 'requested');
    });
    proc.once('exit', (code, signal) => {
      this.proc = undefined;
      if (this.stopping) return;
      if (code === EXIT_CONFIG) return this.events.onFatal(this.spec, code);
      if (Date.now() - startedAt > STABLE_AFTER_MS) this.failures = 0;
      const delay = Math.min(BACKOFF_START_MS * 2 ** this.failures, BACKOFF_MAX_MS);
      this.failures++;
      this.log.warn(`${this.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(1)} s`);
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
    proc.once('error', (err) => this.log.error({ err }, `cannot start ${this.spec.name}`));
  }

  /** SIGTERM, then SIGKILL after the grace period. Resolves when the process is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private forward(proc: ChildProcess): void {
    if (proc.stdout) createInterface({ input: proc.stdout }).on('line', (line) => process.stdout.write(`${line}\n`));
    if (proc.stderr) {
      createInterface({ input: proc.stderr }).on('line', (line) => {
        if (this.logFormat === 'json') {
          process.stdout.write(`${JSON.stringify({ level: 50, time: Date.now(), process: this.spec.name, pid: proc.pid, stream: 'stderr', msg: line })}\n`);
        } else {
          process.stderr.write(`[${this.spec.name}] ${line}\n`);
        }
      });
    }
  }
}
