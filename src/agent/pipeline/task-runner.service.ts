import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { boundText, RESULT_LIMITS, type AgentChannel, type AgentChannelAdapter, type ChannelResult } from '../adapters/agent-channel.port';
import { AGENT_CHANNELS } from '../adapters/agent-channels.token';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { TaskDeduper } from '../dedupe/task.deduper';
import { AgentFlagsService } from '../state/agent-flags.service';
import { CHANNEL_FLAG } from '../state/agent-status.codes';
import { AgentStatusService } from '../state/agent-status.service';
import { TaskActionLog } from '../tasks/task-action.log';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { TaskRegistryError, type TaskView } from '../tasks/task-registry.types';
import { progressReporter, type RunnerProgress } from './task-progress.util';
import { failure, withWatchdog } from './task-watchdog.util';
import { TaskPlannerService } from './task-planner.service';
import { TaskResultAnalyzer, taskResultEvent } from './task-result.summary';
import {
  DEFAULT_TASK_TIMEOUT_MS,
  TASK_RUNNER_DEFAULTS,
  TASK_RUNNER_OPTIONS,
  taskParams,
  wantsDedupe,
  type RunnerJob,
  type SubmitOutcome,
  type TaskRunnerOptions,
  type TaskSubmission,
} from './task-runner.types';

export type { SubmitOutcome, TaskSubmission } from './task-runner.types';

const SHUTDOWN_WAIT_MS = 1_000;


/**
 * Runs tasks: de-duplication, registry entry, one FIFO queue per channel with one task at a time
 * (spec §8.6 "one global order per channel"), the adapter or the planner, progress and action logging,
 * the terminal state and the task_result for the character. Never blocks its callers on a task.
 */
@Injectable()
export class TaskRunnerService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TaskRunner');
  private readonly options: TaskRunnerOptions;
  private readonly jobs = new Map<string, RunnerJob>();
  private readonly queues = new Map<AgentChannel, RunnerJob[]>();
  private readonly running = new Map<AgentChannel, RunnerJob>();
  /** Dedupe + create run one at a time, so two near-identical submissions cannot both pass. */
  private admission: Promise<unknown> = Promise.resolve();
  private sweepTimer: NodeJS.Timeout | undefined;
  private unregisterEndAll: (() => void) | undefined;

  constructor(
    private readonly registry: TaskRegistryService,
    private readonly actions: TaskActionLog,
    @Inject(AGENT_CHANNELS) private readonly channels: readonly AgentChannelAdapter[],
    private readonly deduper: TaskDeduper,
    private readonly planner: TaskPlannerService,
    private readonly resultAnalyzer: TaskResultAnalyzer,
    private readonly results: AgentResultsClient,
    private readonly flags: AgentFlagsService,
    private readonly status: AgentStatusService,
    @Optional() @Inject(TASK_RUNNER_OPTIONS) options?: Partial<TaskRunnerOptions>,
  ) {
    this.options = { ...TASK_RUNNER_DEFAULTS, ...(options ?? {}) };
  }

  onModuleInit(): void {
    this.unregisterEndAll = this.status.onEndAll(() => this.endAll());
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.unregisterEndAll?.();
    // Shutdown is bounded by the bootstrap's grace period: abort everything, wait only briefly.
    await this.endAll(SHUTDOWN_WAIT_MS);
  }

  /** Queues a task (or reports the task it repeats). Throws TaskRegistryError for a channel without adapter. */
  submit(s: TaskSubmission): Promise<SubmitOutcome> {
    const run = this.admission.then(() => this.admit(s, false));
    this.admission = run.catch(() => undefined);
    return run.then((r) => (r.status === 'queued' ? { status: 'queued' as const, task: r.task } : r));
  }

  /** Registers and runs a task in its channel's order without dedupe; resolves when it has finished. */
  async runNow(s: TaskSubmission): Promise<{ task: TaskView; result: ChannelResult }> {
    const run = this.admission.then(() => this.admit({ ...s, dedupe: false }, true));
    this.admission = run.catch(() => undefined);
    const admitted = await run;
    if (admitted.status !== 'queued') throw new TaskRegistryError('TASK_INVALID_INPUT', 'duplicate');
    return admitted.job.finished;
  }

  /** Cancels a queued or running task (running: its adapter is aborted). Throws TaskRegistryError otherwise. */
  cancel(id: string, reason = 'cancelled'): TaskView {
    const view = this.registry.cancel(id, reason);
    const job = this.jobs.get(id);
    if (!job) return view;
    job.cancelled = true;
    if (job.state === 'queued') {
      this.dequeue(job);
      this.finish(job, view, failure('cancelled'));
    } else if (job.state === 'running') {
      job.controller.abort();
      this.send(job, { success: false, summary: 'cancelled', detail: '', error: 'cancelled' }, true);
    }
    this.logger.log(`task ${id} cancelled (${job.state})`);
    return view;
  }

  /** Cancels every queued and running task and waits (bounded) for the running ones to return. */
  async endAll(waitMs = this.options.endAllWaitMs): Promise<void> {
    const running = [...this.running.values()];
    for (const job of [...this.jobs.values()]) {
      if (job.state === 'done' || job.cancelled) continue;
      try {
        this.cancel(job.id, 'end_all');
      } catch (err) {
        this.logger.warn(`end_all: ${String(err)}`);
      }
    }
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([Promise.all(running.map((j) => j.finished)), wait]);
    clearTimeout(timer);
  }

  /** Queued tasks waiting per channel and the running one (for state and tests). */
  queueDepth(channel: AgentChannel): { queued: number; running: boolean } {
    return { queued: this.queues.get(channel)?.length ?? 0, running: this.running.has(channel) };
  }

  private async admit(
    s: TaskSubmission,
    direct: boolean,
  ): Promise<{ status: 'queued'; task: TaskView; job: RunnerJob } | { status: 'duplicate'; matched_id: string | null }> {
    const adapter = this.channels.find((a) => a.channel === s.channel);
    if (!adapter) throw new TaskRegistryError('TASK_INVALID_INPUT', `no adapter for channel ${String(s.channel)}`);
    const queue = this.queues.get(s.channel) ?? [];
    if (queue.length >= this.options.maxQueuedPerChannel) {
      throw new TaskRegistryError('TASK_INVALID_INPUT', `too many queued ${s.channel} tasks (limit ${this.options.maxQueuedPerChannel})`);
    }
    const params = taskParams(s);
    if (wantsDedupe(s)) {
      const verdict = await this.deduper.check(String(params.instruction), s.lanlan_name, this.registry.list());
      if (verdict.duplicate) {
        this.logger.log(`duplicate ${s.channel} task dropped ("${boundText(s.description, 80)}" ~ ${verdict.matched_id}, by ${verdict.decided_by})`);
        return { status: 'duplicate', matched_id: verdict.matched_id };
      }
    }
    const task = this.registry.create({ type: s.channel, params, lanlan_name: s.lanlan_name });
    let settle!: RunnerJob['settle'];
    const finished = new Promise<{ task: TaskView; result: ChannelResult }>((resolve) => (settle = resolve));
    const job: RunnerJob = {
      id: task.id,
      submission: s,
      adapter,
      controller: new AbortController(),
      flagOnAtSubmit: this.flagOn(s.channel),
      direct,
      state: 'queued',
      cancelled: false,
      finished,
      settle,
    };
    this.jobs.set(job.id, job);
    queue.push(job);
    this.queues.set(s.channel, queue);
    this.logger.log(`task ${job.id} queued on ${s.channel}${s.plan ? ' (plan)' : ''}: "${boundText(s.description, 80)}"`);
    queueMicrotask(() => this.pump(s.channel));
    return { status: 'queued', task, job };
  }

  private pump(channel: AgentChannel): void {
    if (this.running.has(channel)) return;
    const queue = this.queues.get(channel) ?? [];
    const job = queue.shift();
    if (!job) return;
    if (!job.direct && job.flagOnAtSubmit && !this.flagOn(channel)) {
      // The user switched the channel off while the task waited (spec §8.6: the scheduler drains).
      job.cancelled = true;
      const view = this.safe(() => this.registry.cancel(job.id, `${channel} disabled`));
      this.finish(job, view, failure(`${channel} disabled`));
      this.pump(channel);
      return;
    }
    this.running.set(channel, job);
    job.state = 'running';
    void this.execute(job).finally(() => {
      this.running.delete(channel);
      this.pump(channel);
    });
  }

  private async execute(job: RunnerJob): Promise<void> {
    const { submission: s } = job;
    if (!this.safe(() => this.registry.start(job.id))) {
      this.finish(job, this.registry.get(job.id), failure('task could not start'));
      return;
    }
    // The adapter (or planner) applies the limit itself; this watchdog only frees the queue if it does not.
    const timeoutMs = s.request.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS[s.plan ? 'plan' : s.channel];
    const onProgress = progressReporter(
      (entry) => this.actions.add(job.id, entry),
      (update) => this.safe(() => this.registry.progress(job.id, update)),
      this.options.progressIntervalMs,
    );
    let result = await withWatchdog(this.runWork(job, onProgress), job.controller, timeoutMs, this.options.watchdogGraceMs);
    if (job.cancelled) {
      this.finish(job, this.registry.get(job.id), result.success ? failure('cancelled') : result);
      return;
    }
    if (!result.success && !result.error) result = { ...result, error: boundText(result.summary || 'failed', RESULT_LIMITS.error) };
    const view = result.success
      ? this.safe(() => this.registry.complete(job.id, boundText(result.summary, RESULT_LIMITS.summary)))
      : this.safe(() => this.registry.fail(job.id, result.error ?? 'failed'));
    this.logger.log(`task ${job.id} ${result.success ? 'completed' : `failed: ${boundText(result.error ?? '', 200)}`}`);
    this.send(job, result, false);
    this.finish(job, view, result);
  }

  private async runWork(job: RunnerJob, onProgress: (p: RunnerProgress) => void): Promise<ChannelResult> {
    const { submission: s, controller } = job;
    try {
      if (s.plan) {
        const usable = this.channels.filter((a) => this.status.isChannelUsable(a.channel));
        const channels = usable.length > 0 ? usable : [job.adapter];
        const outcome = await this.planner.run(s.request.instruction ?? s.description, channels, { signal: controller.signal, onProgress, timeoutMs: s.request.timeoutMs });
        return { success: outcome.success, summary: outcome.summary, detail: outcome.detail, ...(outcome.error ? { error: outcome.error } : {}) };
      }
      return await job.adapter.execute(s.request, { signal: controller.signal, onProgress });
    } catch (err) {
      // Adapters must not throw; one that does still only fails its own task.
      return failure(err instanceof Error ? err.message : String(err));
    }
  }

  /** The task_result for the character; a cancellation uses the template at once. */
  private send(job: RunnerJob, result: ChannelResult, cancelled: boolean): void {
    const s = job.submission;
    const input = { task_id: job.id, channel: s.channel, description: s.description, lanlan_name: s.lanlan_name, result, cancelled, now: new Date() };
    if (cancelled) {
      this.results.send(taskResultEvent(input));
      return;
    }
    this.resultAnalyzer
      .summarize(input)
      .catch(() => taskResultEvent(input))
      .then((event) => this.results.send(event))
      .catch((err: unknown) => this.logger.warn(`task ${job.id}: task_result not sent: ${String(err)}`));
  }

  private finish(job: RunnerJob, view: TaskView | undefined, result: ChannelResult): void {
    job.state = 'done';
    this.jobs.delete(job.id);
    job.settle({ task: view ?? this.registry.get(job.id) ?? ({ id: job.id } as TaskView), result });
  }

  private dequeue(job: RunnerJob): void {
    const queue = this.queues.get(job.submission.channel);
    const at = queue?.indexOf(job) ?? -1;
    if (queue && at >= 0) queue.splice(at, 1);
  }

  private flagOn(channel: AgentChannel): boolean {
    return this.flags.analyzerEnabled && this.flags.get()[CHANNEL_FLAG[channel]] === true;
  }

  private sweep(): void {
    const removed = this.registry.sweep();
    if (removed > 0 || this.actions.size > 0) this.actions.retain(this.registry.list().map((t) => t.id));
  }

  /** Registry calls that may meet a task changed meanwhile (cancelled); the failure is logged, not thrown. */
  private safe<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.logger.debug(`registry: ${String(err)}`);
      return undefined;
    }
  }
}
