import type { ChannelProgress } from '../adapters/agent-channel.port';
import type { TaskProgress } from '../tasks/task-registry.types';

/** Progress as adapters and the planner report it (the planner adds step numbers). */
export type RunnerProgress = ChannelProgress & { step?: number; step_total?: number };

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/**
 * Turns every report into an action-log entry and a throttled registry update: a new stage or step always
 * goes out, repeats of the same stage at most every `intervalMs`. Values the registry would reject are dropped.
 */
export function progressReporter(
  log: (entry: { stage: string; message: string }) => void,
  update: (progress: TaskProgress) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (p: RunnerProgress) => void {
  let last = 0;
  let lastStage: string | undefined;
  let lastStep: number | undefined;
  return (p) => {
    if (!p || typeof p.stage !== 'string') return;
    log({ stage: p.stage, message: typeof p.message === 'string' ? p.message : '' });
    const at = now();
    const urgent = p.stage !== lastStage || p.step !== lastStep;
    if (!urgent && at - last < intervalMs) return;
    last = at;
    lastStage = p.stage;
    lastStep = p.step;
    const progress = typeof p.progress === 'number' && Number.isFinite(p.progress) ? Math.min(1, Math.max(0, p.progress)) : undefined;
    update({ stage: p.stage, message: p.message, progress, step: count(p.step), step_total: count(p.step_total) });
  };
}
