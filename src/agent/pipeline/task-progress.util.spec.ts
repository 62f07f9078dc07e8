import type { TaskProgress } from '../tasks/task-registry.types';
import { progressReporter } from './task-progress.util';

describe('progressReporter', () => {
  afterEach(() => jest.useRealTimers());

  it('logs every report, sends stage and step changes at once and repeats at most once per interval', () => {
    let t = 0;
    const logged: string[] = [];
    const sent: TaskProgress[] = [];
    const report = progressReporter((e) => logged.push(`${e.stage}:${e.message}`), (u) => sent.push(u), 250, () => t);
    report({ stage: 'action', message: 'a' });
    t = 100;
    report({ stage: 'action', message: 'b' }); // throttled, then superseded by the stage change
    report({ stage: 'plan_step', message: 'c', step: 1, step_total: 6 }); // new stage
    report({ stage: 'plan_step', message: 'd', step: 2, step_total: 6 }); // new step
    t = 400;
    report({ stage: 'plan_step', message: 'e', step: 2, step_total: 6 }); // interval passed
    expect(logged).toEqual(['action:a', 'action:b', 'plan_step:c', 'plan_step:d', 'plan_step:e']);
    expect(sent.map((u) => u.message)).toEqual(['a', 'c', 'd', 'e']);
    expect(sent[1]).toEqual({ stage: 'plan_step', message: 'c', progress: undefined, step: 1, step_total: 6 });
    report.finish();
  });

  it('sends the last throttled report of a burst once the interval has passed, and nothing after finish()', () => {
    jest.useFakeTimers({ now: 0 });
    const sent: string[] = [];
    const report = progressReporter(() => undefined, (u) => sent.push(String(u.message)), 250);
    for (let i = 0; i < 5; i++) report({ stage: 'action', message: `m${i}` });
    expect(sent).toEqual(['m0']);
    jest.advanceTimersByTime(250);
    expect(sent).toEqual(['m0', 'm4']);
    report({ stage: 'action', message: 'late' });
    report.finish();
    jest.advanceTimersByTime(1_000);
    report({ stage: 'other', message: 'after' });
    expect(sent).toEqual(['m0', 'm4']);
  });

  it('clamps progress and drops counts the registry would reject', () => {
    const sent: TaskProgress[] = [];
    const report = progressReporter(() => undefined, (u) => sent.push(u), 0);
    report({ stage: 'a', progress: 7 });
    report({ stage: 'b', progress: Number.NaN, step: -1 });
    report({ stage: 'c', step: 1.5 });
    report(undefined as never);
    expect(sent).toEqual([
      { stage: 'a', message: undefined, progress: 1, step: undefined, step_total: undefined },
      { stage: 'b', message: undefined, progress: undefined, step: undefined, step_total: undefined },
      { stage: 'c', message: undefined, progress: undefined, step: undefined, step_total: undefined },
    ]);
  });
});
