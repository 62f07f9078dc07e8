import type { AgentChannel, AgentChannelAdapter, ChannelExecuteOptions, ChannelRequest, ChannelResult } from '../adapters/agent-channel.port';
import { failure } from './task-watchdog.util';

/** A runner lane: one per channel, plus one for plans (a plan never holds a channel's slot while it waits). */
export type RunnerLane = AgentChannel | 'plan';

/** The lane's slot was not granted: the waiter's signal aborted first. */
class LaneAbortedError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'LaneAbortedError';
  }
}

interface Waiter {
  grant(): void;
}

/**
 * One slot per lane, granted in request order (spec §8.6: one task at a time per channel, in one global order).
 * Queued runner tasks and the steps of running plans wait here alike, so a plan step on computer use runs
 * only when no other computer-use task does.
 */
export class ChannelLanes {
  private readonly busy = new Set<RunnerLane>();
  private readonly waiting = new Map<RunnerLane, Waiter[]>();

  /** Resolves with the release function once the slot is ours; rejects with LaneAbortedError if `signal` aborts first. */
  acquire(lane: RunnerLane, signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new LaneAbortedError());
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.next(lane);
      };
      if (!this.busy.has(lane)) {
        this.busy.add(lane);
        return resolve(release);
      }
      const onAbort = () => {
        const queue = this.waiting.get(lane);
        const at = queue?.indexOf(waiter) ?? -1;
        if (queue && at >= 0) queue.splice(at, 1);
        reject(new LaneAbortedError());
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const queue = this.waiting.get(lane) ?? [];
      queue.push(waiter);
      this.waiting.set(lane, queue);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Waiters of the lane and whether its slot is taken. */
  depth(lane: RunnerLane): { waiting: number; busy: boolean } {
    return { waiting: this.waiting.get(lane)?.length ?? 0, busy: this.busy.has(lane) };
  }

  private next(lane: RunnerLane): void {
    const queue = this.waiting.get(lane);
    const waiter = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(lane);
    if (waiter) waiter.grant();
    else this.busy.delete(lane);
  }
}

/**
 * The channels as a plan sees them: each step takes its channel's slot (waiting behind that channel's own
 * tasks) and is refused unless the channel is usable right now, checked before and after the wait.
 */
export function laneBoundChannels(
  channels: readonly AgentChannelAdapter[],
  lanes: ChannelLanes,
  usable: (channel: AgentChannel) => boolean,
): AgentChannelAdapter[] {
  const refused = (channel: AgentChannel) => failure(`${channel} is switched off or not ready`);
  return channels.map((adapter) => ({
    channel: adapter.channel,
    readiness: () => adapter.readiness(),
    describe: () => adapter.describe(),
    execute: async (request: ChannelRequest, options: ChannelExecuteOptions = {}): Promise<ChannelResult> => {
      if (!usable(adapter.channel)) return refused(adapter.channel);
      let release: () => void;
      try {
        release = await lanes.acquire(adapter.channel, options.signal);
      } catch {
        return failure('cancelled');
      }
      try {
        if (!usable(adapter.channel)) return refused(adapter.channel);
        return await adapter.execute(request, options);
      } catch (err) {
        return failure(err instanceof Error ? err.message : String(err));
      } finally {
        release();
      }
    },
  }));
}
