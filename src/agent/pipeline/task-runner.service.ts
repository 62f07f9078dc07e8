import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { within } from '../../shared/async/within.util';
import { boundText, RESULT_LIMITS, type AgentChannel, type AgentChannelAdapter, type ChannelResult } from '../adapters/agent-channel.port';
import { AGENT_CHANNELS } from '../adapters/agent-channels.token';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { TaskDeduper } from '../dedupe/task.deduper';
import { safeReadiness } from '../state/agent-status.codes';
import { AgentStatusService } from '../state/agent-status.service';
import { TaskActionLog } from '../tasks/task-action.log';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { TaskRegistryError, type TaskView } from '../tasks/task-registry.types';
import { ChannelLanes, laneBoundChannels, type RunnerLane } from './task-channel.lanes';
import { progressReporter, type RunnerProgress } from './task-progress.util';
import { failure, withWatchdog } from './task-watchdog.util';
import { TaskPlannerService } from './task-planner.service';
import { TaskResultAnalyzer } from './task-result.summary';
import { AdmissionChains, TaskResultReporter } from './task-runner.util';
import {
  DEFAULT_TASK_TIMEOUT_MS,
  SHUTDOWN_WAIT_MS,
  START_READINESS_MS,
  TASK_RUNNER_DEFAULTS,
  TASK_RUNNER_OPTIONS,
  TaskDroppedError,
  taskParams,
  wantsDedupe,
  type RunnerJob,
  type SubmitOptions,
  type SubmitOutcome,
  type TaskRunnerOptions,
  type TaskSubmission,
} from './task-runner.types';

export type { SubmitOptions, SubmitOutcome, TaskSubmission } from './task-runner.types';

/**
 * Runs tasks: de-duplication, registry entry, one FIFO lane per channel (and one for plans) with one task at
 * a time (spec §8.6), the adapter or the planner (whose steps take their channel's lane), progress and action
 * logging, the terminal state and exactly one task_result per task. Never blocks its callers on a task.
 */
@Injectable()
export class TaskRunnerService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TaskRunner');
  private readonly options: TaskRunnerOptions;
  private readonly jobs = new Map<string, RunnerJob>();
  private readonly lanes = new ChannelLanes();
  private readonly admissions = new AdmissionChains();
  private readonly shutdown = new AbortController();
  private readonly reporter: TaskResultReporter;
  /** Bumped by every end_all: a submission that started before it is not registered after it. */
  private epoch = 0;
  private closed = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private unregisterEndAll: (() => void) | undefined;

  constructor(
    private readonly registry: TaskRegistryService,
    private readonly actions: TaskActionLog,
    @Inject(AGENT_CHANNELS) private readonly channels: readonly AgentChannelAdapter[],
    private readonly deduper: TaskDeduper,
    private readonly planner: TaskPlannerService,
    resultAnalyzer: TaskResultAnalyzer,
    results: AgentResultsClient,
    private readonly status: AgentStatusService,
    @Optional() @Inject(TASK_RUNNER_OPTIONS) options?: Partial<TaskRunnerOptions>,
  ) {
    this.options = { ...TASK_RUNNER_DEFAULTS, ...(options ?? {}) };
    this.reporter = new TaskResultReporter(resultAnalyzer, results, this.shutdown.signal);
  }

  onModuleInit(): void {
    this.unregisterEndAll = this.status.onEndAll(() => this.endAll());
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.shutdown.abort();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.unregisterEndAll?.();
    await this.endAll(SHUTDOWN_WAIT_MS);
  }

  /** Queues a task (or reports the one it repeats). Throws TaskRegistryError (no adapter, queue full) or
   *  TaskDroppedError (end_all, shutdown or `options.signal` came before the task was registered). */
  async submit(s: TaskSubmission, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    const epoch = this.epoch;
    const direct = (options.origin ?? 'api') === 'api';
    if (!wantsDedupe(s)) return { status: 'queued', task: this.view(this.register(s, direct, epoch, options.signal)) };
    return await this.admissions.run(s.lanlan_name ?? '', () => this.dedupeThenRegister(s, direct, epoch, options.signal));
  }

  /** Registers and runs an API task in its channel's order without dedupe; resolves when it has finished. */
  async runNow(s: TaskSubmission, options: Omit<SubmitOptions, 'origin'> = {}): Promise<{ task: TaskView; result: ChannelResult }> {
    return this.register({ ...s, dedupe: false }, true, this.epoch, options.signal).finished;
  }

  /** Cancels a queued or running task (running: its adapter is aborted). Throws TaskRegistryError otherwise. */
  cancel(id: string, reason = 'cancelled'): TaskView {
    const view = this.registry.cancel(id, reason);
    const job = this.jobs.get(id);
    if (!job) return view;
    const { state } = job;
    job.cancelled = true;
    job.controller.abort();
    this.reporter.report(job, failure('cancelled'), true);
    // A running job finishes when its adapter returns (or the watchdog gives up); it reports nothing more.
    if (state === 'queued') this.finish(job, view, failure('cancelled'));
    this.logger.log(`task ${id} cancelled (${state}): ${reason}`);
    return view;
  }

  /** Cancels every queued and running task and waits (bounded) for the running ones to return. */
  async endAll(waitMs = this.options.endAllWaitMs): Promise<void> {
    this.epoch += 1;
    const running = [...this.jobs.values()].filter((j) => j.state === 'running');
    for (const job of [...this.jobs.values()]) {
      if (job.state === 'done' || job.cancelled) continue;
      try {
        this.cancel(job.id, 'end_all');
      } catch (err) {
        this.logger.warn(`end_all: ${String(err)}`);
      }
    }
    if (running.length > 0) await within(Promise.all(running.map((j) => j.finished)).then(() => undefined), waitMs, undefined);
  }

  /** Queued jobs per lane and whether one still runs (tests only: a cancelled task's job may still hold its lane). */
  queueDepth(lane: RunnerLane): { queued: number; running: boolean } {
    return { queued: this.queuedOn(lane), running: [...this.jobs.values()].some((j) => j.lane === lane && j.state === 'running') };
  }

  private async dedupeThenRegister(s: TaskSubmission, direct: boolean, epoch: number, signal?: AbortSignal): Promise<SubmitOutcome> {
    this.checkRoom(s);
    const instruction = String(taskParams(s).instruction);
    const verdict = await this.deduper.check(instruction, s.lanlan_name, this.registry.list());
    if (verdict.duplicate) {
      this.logger.log(`duplicate ${s.channel} task dropped ("${boundText(s.description, 80)}" ~ ${verdict.matched_id}, by ${verdict.decided_by})`);
      return { status: 'duplicate', matched_id: verdict.matched_id };
    }
    return { status: 'queued', task: this.view(this.register(s, direct, epoch, signal)) };
  }

  private register(s: TaskSubmission, direct: boolean, epoch: number, signal?: AbortSignal): RunnerJob {
    if (this.closed) throw new TaskDroppedError('the agent is shutting down');
    if (epoch !== this.epoch) throw new TaskDroppedError('all tasks were ended meanwhile');
    if (signal?.aborted) throw new TaskDroppedError('the submission was withdrawn');
    const adapter = this.checkRoom(s);
    const task = this.registry.create({ type: s.channel, params: taskParams(s), lanlan_name: s.lanlan_name });
    let settle!: RunnerJob['settle'];
    const finished = new Promise<{ task: TaskView; result: ChannelResult }>((resolve) => (settle = resolve));
    const job: RunnerJob = {
      id: task.id,
      submission: s,
      adapter,
      lane: s.plan ? 'plan' : s.channel,
      controller: new AbortController(),
      epoch,
      direct,
      state: 'queued',
      cancelled: false,
      resultSent: false,
      finished,
      settle,
    };
    this.jobs.set(job.id, job);
    this.logger.log(`task ${job.id} queued on ${job.lane}: "${boundText(s.description, 80)}"`);
    this.run(job).catch((err: unknown) => {
      this.logger.error(`task ${job.id}: runner failure: ${String(err)}`);
      this.settleFailed(job, failure(`runner failure: ${String(err)}`));
    });
    return job;
  }

  /** The adapter of the submission's channel, if its lane has room; throws TaskRegistryError otherwise. */
  private checkRoom(s: TaskSubmission): AgentChannelAdapter {
    const adapter = this.channels.find((a) => a.channel === s.channel);
    if (!adapter) throw new TaskRegistryError('TASK_INVALID_INPUT', `no adapter for channel ${String(s.channel)}`);
    const lane: RunnerLane = s.plan ? 'plan' : s.channel;
    if (this.queuedOn(lane) >= this.options.maxQueuedPerChannel) {
      throw new TaskRegistryError('TASK_INVALID_INPUT', `too many queued ${lane} tasks (limit ${this.options.maxQueuedPerChannel})`);
    }
    return adapter;
  }

  private queuedOn(lane: RunnerLane): number {
    return [...this.jobs.values()].filter((j) => j.lane === lane && j.state === 'queued').length;
  }

  /** Waits for the job's lane, then decides at its turn whether it still runs. */
  private async run(job: RunnerJob): Promise<void> {
    let release: () => void;
    try {
      release = await this.lanes.acquire(job.lane, job.controller.signal);
    } catch {
      return; // cancelled while queued: cancel() finished it
    }
    try {
      const { channel } = job.submission;
      if (job.cancelled) return;
      if (this.closed || job.epoch !== this.epoch) return this.drop(job, 'end_all');
      // An analyzer task whose channel went off (or unready) while it waited is not run (spec §8.6).
      if (!job.direct && !this.status.isChannelUsable(channel)) return this.drop(job, `${channel} disabled`);
      if (job.direct) {
        const r = await safeReadiness(() => job.adapter.readiness(), START_READINESS_MS);
        if (job.cancelled) return;
        if (!r.ready) return this.settleFailed(job, failure(`${channel} not ready${r.reason ? `: ${r.reason}` : ''}`));
      }
      await this.execute(job);
    } finally {
      release();
    }
  }

  private async execute(job: RunnerJob): Promise<void> {
    const { submission: s } = job;
    if (!this.safe(() => this.registry.start(job.id))) return this.settleFailed(job, failure('task could not start'));
    job.state = 'running';
    // The adapter (or planner) applies the limit itself; this watchdog only frees the lane if it does not.
    const timeoutMs = s.request.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS[s.plan ? 'plan' : s.channel];
    const onProgress = progressReporter(
      (entry) => this.actions.add(job.id, entry),
      (update) => this.safe(() => this.registry.progress(job.id, update)),
      this.options.progressIntervalMs,
    );
    let result = await withWatchdog(this.runWork(job, onProgress), job.controller, timeoutMs, this.options.watchdogGraceMs);
    onProgress.finish();
    if (job.cancelled) return this.finish(job, this.registry.get(job.id), result.success ? failure('cancelled') : result);
    if (!result.success && !result.error) result = { ...result, error: boundText(result.summary || 'failed', RESULT_LIMITS.error) };
    const view = result.success
      ? this.safe(() => this.registry.complete(job.id, boundText(result.summary, RESULT_LIMITS.summary)))
      : this.safe(() => this.registry.fail(job.id, result.error ?? 'failed'));
    this.logger.log(`task ${job.id} ${result.success ? 'completed' : `failed: ${boundText(result.error ?? '', 200)}`}`);
    this.reporter.report(job, result, false);
    this.finish(job, view, result);
  }

  private async runWork(job: RunnerJob, onProgress: (p: RunnerProgress) => void): Promise<ChannelResult> {
    const { submission: s, controller } = job;
    try {
      if (s.plan) {
        const usable = (c: AgentChannel) => this.status.isChannelUsable(c);
        const channels = laneBoundChannels(this.channels.filter((a) => usable(a.channel)), this.lanes, usable);
        if (channels.length === 0) return failure('no channel is usable for this plan');
        const outcome = await this.planner.run(s.request.instruction ?? s.description, channels, { signal: controller.signal, onProgress, timeoutMs: s.request.timeoutMs, userRequest: s.request.userRequest });
        return { success: outcome.success, summary: outcome.summary, detail: outcome.detail, ...(outcome.error ? { error: outcome.error } : {}) };
      }
      return await job.adapter.execute(s.request, { signal: controller.signal, onProgress });
    } catch (err) {
      // Adapters must not throw; one that does still only fails its own task.
      return failure(err instanceof Error ? err.message : String(err));
    }
  }

  /** Not run at its turn: cancelled with `reason`, one cancellation task_result. */
  private drop(job: RunnerJob, reason: string): void {
    job.cancelled = true;
    const view = this.safe(() => this.registry.cancel(job.id, reason));
    this.logger.log(`task ${job.id} not run: ${reason}`);
    this.reporter.report(job, failure('cancelled'), true);
    this.finish(job, view, failure(reason));
  }

  /** Failed before or instead of running: terminal state, one task_result. */
  private settleFailed(job: RunnerJob, result: ChannelResult): void {
    if (job.state === 'done') return;
    const view = this.safe(() => this.registry.fail(job.id, result.error ?? 'failed'));
    this.logger.warn(`task ${job.id} failed: ${result.error ?? ''}`);
    this.reporter.report(job, result, false);
    this.finish(job, view, result);
  }

  private finish(job: RunnerJob, view: TaskView | undefined, result: ChannelResult): void {
    if (job.state === 'done') return;
    job.state = 'done';
    this.jobs.delete(job.id);
    job.settle({ task: view ?? this.view(job), result });
  }

  private view(job: RunnerJob): TaskView {
    return this.registry.get(job.id) ?? ({ id: job.id } as TaskView);
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
