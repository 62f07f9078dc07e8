import type { Logger } from '@nestjs/common';
import type { Publisher, Pull, Push, Subscriber } from 'zeromq';
import { decodeEvent, type ZmqEvent } from './zmq.codec';
import type { ZmqCommonOptions } from './zmq.options';

/**
 * Reads one socket until it is closed and hands each valid event to `onEvent`, one at a time and
 * in arrival order. Malformed frames are logged (rate-limited) and dropped; nothing here throws.
 */
export async function receiveEvents(
  socket: Pull | Subscriber,
  options: Pick<ZmqCommonOptions, 'validate'>,
  logger: Logger,
  onEvent: (event: ZmqEvent) => Promise<void> | void,
): Promise<void> {
  const warn = rateLimitedWarn(logger);
  try {
    for await (const frames of socket) {
      const decoded = decodeEvent(frames);
      if (!decoded.ok) {
        warn(`dropped a malformed ZeroMQ message: ${decoded.reason}`);
        continue;
      }
      const problem = options.validate?.(decoded.event);
      if (problem) {
        warn(`dropped a malformed "${decoded.event.event_type}" event: ${problem}`);
        continue;
      }
      try {
        await onEvent(decoded.event);
      } catch (err) {
        logger.error(`handler for "${decoded.event.event_type}" failed: ${(err as Error).message ?? String(err)}`);
      }
    }
  } catch (err) {
    if (!socket.closed) logger.error(`ZeroMQ receive loop stopped: ${(err as Error).message}`);
  }
}

/** At most one warning per second, with a count of what was suppressed (a flood must not flood the log). */
export function rateLimitedWarn(logger: Logger, intervalMs = 1000): (msg: string) => void {
  let last = 0;
  let suppressed = 0;
  return (msg) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    logger.warn(suppressed > 0 ? `${msg} (and ${suppressed} more since the last warning)` : msg);
    last = now;
    suppressed = 0;
  };
}

/**
 * Single in-flight sender with a bounded queue in front of a PUSH or PUB socket (zeromq.js allows
 * one pending send per socket). While no peer is connected a PUSH send waits; queued messages are
 * delivered when the peer (re)connects, up to `limit` messages; beyond that `enqueue` returns false.
 */
export class QueuedSender {
  private readonly queue: Buffer[] = [];
  private head = 0;
  private draining = false;

  constructor(
    private readonly socket: Push | Publisher,
    private readonly limit: number,
    private readonly logger: Logger,
  ) {}

  get pending(): number {
    return this.queue.length - this.head;
  }

  enqueue(frame: Buffer): boolean {
    if (this.socket.closed || this.pending >= this.limit) return false;
    this.queue.push(frame);
    if (!this.draining) void this.drain();
    return true;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.head < this.queue.length && !this.socket.closed) {
        await this.socket.send(this.queue[this.head]);
        this.head++;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
      }
    } catch (err) {
      if (!this.socket.closed) this.logger.error(`ZeroMQ send failed: ${(err as Error).message}`);
    } finally {
      this.draining = false;
      if (this.socket.closed && this.pending > 0) {
        this.logger.warn(`${this.pending} queued ZeroMQ message(s) were not delivered before close`);
        this.queue.length = 0;
        this.head = 0;
      }
    }
  }
}
