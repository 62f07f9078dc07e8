import { Logger } from '@nestjs/common';
import type { TaskResultEvent } from '../../shared/contracts/agent-bridge.contract';
import type { ChannelResult } from '../adapters/agent-channel.port';
import type { AgentResultsClient } from '../bridge/agent-results.client';
import { TaskResultAnalyzer, taskResultEvent, type TaskResultInput } from './task-result.summary';
import type { RunnerJob } from './task-runner.types';

/**
 * Dedupe-then-register runs one at a time per key (the character), so two near-identical submissions cannot
 * both pass, while submissions of other characters, and those that skip dedupe, never wait behind a slow judge.
 * A key is forgotten once its last admission settled, so the map stays as small as the work in flight.
 */
export class AdmissionChains {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

/**
 * The one task_result of each task (spec §8.4). A job's `resultSent` flag makes every later call a no-op, so
 * a running task cancelled (template phrase at once) and returned later by its adapter says nothing more.
 * The summary model is skipped for cancellations and once the runner shuts down (`signal` aborted).
 */
export class TaskResultReporter {
  private readonly logger = new Logger('TaskRunner');

  constructor(
    private readonly analyzer: TaskResultAnalyzer,
    private readonly results: AgentResultsClient,
    private readonly signal: AbortSignal,
  ) {}

  report(job: RunnerJob, result: ChannelResult, cancelled: boolean): void {
    if (job.resultSent) return;
    job.resultSent = true;
    const s = job.submission;
    const input: TaskResultInput = { task_id: job.id, channel: s.channel, description: s.description, lanlan_name: s.lanlan_name, result, cancelled, now: new Date() };
    if (cancelled || this.signal.aborted) {
      this.post(job.id, taskResultEvent(input));
      return;
    }
    this.analyzer
      .summarize(input, { signal: this.signal })
      .catch(() => taskResultEvent(input))
      .then((event) => this.post(job.id, event))
      .catch((err: unknown) => this.logger.warn(`task ${job.id}: task_result not sent: ${String(err)}`));
  }

  private post(id: string, event: TaskResultEvent): void {
    // false: the socket's queue is full (main away for long) or closed; ZeroMQ drops the event.
    if (!this.results.send(event)) this.logger.warn(`task ${id}: task_result dropped (results queue full or closed)`);
  }
}
