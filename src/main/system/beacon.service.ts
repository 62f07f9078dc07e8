import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MemoryServerClient } from '../clients/peer-clients.module';

const SHUTDOWN_DELAY_MS = 500;
const MEMORY_SHUTDOWN_TIMEOUT_MS = 1000;

/**
 * POST /api/beacon/shutdown (spec §3.0). Pages send it when they unload. Only in browser mode (the
 * user started N.E.K.O. to run in a browser tab: NEKO_BROWSER_MODE=1) does closing the page stop
 * the servers; otherwise it is a no-op answering `null`, as the original does without --open-browser.
 *
 * Design of the shutdown: answer at once, then after 0.5 s ask the memory server to stop
 * (POST /shutdown, 1 s) and close this process the clean way: the bootstrap's SIGTERM handler
 * closes the Nest app (module destroy hooks, sockets) and exits. We emit the event instead of
 * sending a real signal, so where no handler is installed (tests running main in-process) nothing
 * is killed. Started by the launcher (IPC channel), the launcher is told instead with
 * `{"type": "shutdown", "reason": "beacon"}` and stops all three servers (it would restart a child
 * that exited on its own).
 */
@Injectable()
export class BeaconService implements OnModuleDestroy {
  private readonly logger = new Logger('Beacon');
  readonly browserMode = process.env.NEKO_BROWSER_MODE === '1';
  private timer: NodeJS.Timeout | undefined;
  /** How this process is asked to stop (replaced in unit tests). */
  requestExit: () => void = () => {
    // Under the launcher: it stops all three servers (and does not restart us).
    if (process.send) {
      process.send({ type: 'shutdown', reason: 'beacon' }, undefined, undefined, () => undefined);
      return;
    }
    if (process.listenerCount('SIGTERM') === 0) {
      this.logger.warn('no SIGTERM handler installed; not exiting');
      return;
    }
    process.emit('SIGTERM', 'SIGTERM');
  };

  constructor(private readonly memory: MemoryServerClient) {}

  /** The answer body: null (no-op) or the original's acknowledgement, with the shutdown scheduled. */
  beacon(): { success: true; message: string } | null {
    if (!this.browserMode) return null;
    if (this.timer === undefined) {
      this.logger.log('page closed in browser mode: shutting down');
      this.timer = setTimeout(() => void this.shutdown(), SHUTDOWN_DELAY_MS);
    }
    return { success: true, message: '服务器关闭信号已接收' };
  }

  async shutdown(): Promise<void> {
    try {
      await this.memory.request('/shutdown', { method: 'POST', timeoutMs: MEMORY_SHUTDOWN_TIMEOUT_MS });
    } catch (err) {
      this.logger.warn(`memory server shutdown request failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.requestExit();
  }

  onModuleDestroy(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
