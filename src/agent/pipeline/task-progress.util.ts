import type { ChannelProgress } from '../adapters/agent-channel.port';
import type { TaskProgress } from '../tasks/task-registry.types';

/** Progress as adapters and the planner report it (the planner adds step numbers). */
export type RunnerProgress = ChannelProgress & { step?: number; step_total?: number };

/** The reporter handed to adapters, plus `finish()` which drops a pending trailing update (the task ended). */
export type ProgressReporter = ((p: RunnerProgress) => void) & { finish(): void };

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/**
 * Turns every report into an action-log entry and a throttled registry update: a new stage or step always
 * goes out, repeats of the same stage at most every `intervalMs`. The last throttled report of a burst goes
 * out when the interval has passed (trailing update), so the task's state never stays behind its last report.
 * Values the registry would reject are dropped.
 */
export function progressReporter(
  log: (entry: { stage: string; message: string }) => void,
  update: (progress: TaskProgress) => void,
  intervalMs: number,
  now: () => number = Date.now,
): ProgressReporter {
  let last = 0;
  let lastStage: string | undefined;
  let lastStep: number | undefined;
  let pending: RunnerProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  const send = (p: RunnerProgress) => {
    clear();
    last = now();
    lastStage = p.stage;
    lastStep = p.step;
    const progress = typeof p.progress === 'number' && Number.isFinite(p.progress) ? Math.min(1, Math.max(0, p.progress)) : undefined;
    update({ stage: p.stage, message: p.message, progress, step: count(p.step), step_total: count(p.step_total) });
  };
  const report = (p: RunnerProgress) => {
    if (finished || !p || typeof p.stage !== 'string') return;
    log({ stage: p.stage, message: typeof p.message === 'string' ? p.message : '' });
    const urgent = p.stage !== lastStage || p.step !== lastStep;
    const wait = intervalMs - (now() - last);
    if (urgent || wait <= 0) return send(p);
    pending = p;
    if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        if (pending && !finished) send(pending);
      }, wait);
      timer.unref?.();
    }
  };
  return Object.assign(report, {
    finish: () => {
      finished = true;
      clear();
    },
  });
}
