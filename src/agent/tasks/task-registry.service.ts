import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { TaskStatus } from '../../shared/contracts/agent-bridge.contract';
import { boundCodePoints } from '../../shared/text/bounded-text.util';
import { utcIsoMicro } from '../../shared/time/utc-iso.util';
import {
  ACTIVE_STATUSES,
  ALLOWED_TRANSITIONS,
  TASK_CLOCK,
  TaskRegistryError,
  TERMINAL_STATUSES,
  type ActiveTaskView,
  type NewTask,
  type TaskChangeListener,
  type TaskClock,
  type TaskListFilter,
  type TaskProgress,
  type TaskView,
} from './task-registry.types';

/** At most this many finished tasks are kept (newest first); older ones are swept. */
export const MAX_TERMINAL_TASKS = 500;
/** Finished tasks are swept this long after their end_time (spec §8.6: 300 s). */
export const TERMINAL_TTL_MS = 300_000;
/** Queued + running tasks are never swept, so their number is capped instead. */
export const MAX_ACTIVE_TASKS = 200;
const MAX_ERROR_CHARS = 2000;
const MAX_TEXT_CHARS = 500;
const MAX_LIST = 1000;

type MutableTask = { -readonly [K in keyof TaskView]: TaskView[K] };

const clip = boundCodePoints;
const isActive = (status: TaskStatus): boolean => ACTIVE_STATUSES.includes(status);

/**
 * In-memory task registry of the agent (spec §7.6, §8.4 `task_update`, fixing §12.4: entries expire and get an
 * end_time). Enforces queued → running → completed/failed/cancelled, emits every change with a revision.
 */
@Injectable()
export class TaskRegistryService {
  private readonly tasks = new Map<string, MutableTask>();
  private readonly listeners = new Set<TaskChangeListener>();
  private rev = 0;

  constructor(@Optional() @Inject(TASK_CLOCK) private readonly clock: TaskClock = () => new Date()) {}

  /** Number of changes so far (each emitted change increments it by one). */
  get revision(): number {
    return this.rev;
  }

  /** Registers a listener of every change; returns the function that removes it. */
  onChange(listener: TaskChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  create(input: NewTask): TaskView {
    if (typeof input?.type !== 'string' || input.type.length === 0) {
      throw new TaskRegistryError('TASK_INVALID_INPUT', 'task type is required');
    }
    if (input.params !== undefined && (input.params === null || typeof input.params !== 'object' || Array.isArray(input.params))) {
      throw new TaskRegistryError('TASK_INVALID_INPUT', 'task params must be an object');
    }
    this.sweep();
    if (this.activeCount() >= MAX_ACTIVE_TASKS) {
      throw new TaskRegistryError('TASK_INVALID_INPUT', `too many active tasks (limit ${MAX_ACTIVE_TASKS})`);
    }
    const task: MutableTask = {
      id: randomUUID(),
      status: 'queued',
      type: input.type,
      start_time: this.now(),
      params: { ...(input.params ?? {}) },
      error: null,
      lanlan_name: input.lanlan_name ?? null,
      ...(input.session_id !== undefined ? { session_id: input.session_id } : {}),
    };
    this.tasks.set(task.id, task);
    return this.emit(task);
  }

  start(id: string): TaskView {
    return this.transition(id, 'running');
  }

  complete(id: string, message?: string): TaskView {
    return this.transition(id, 'completed', undefined, message);
  }

  fail(id: string, error: string): TaskView {
    return this.transition(id, 'failed', error);
  }

  /** Cancels a queued or running task; a finished task cannot be cancelled. */
  cancel(id: string, reason?: string): TaskView {
    return this.transition(id, 'cancelled', reason);
  }

  /** Progress of a running (or queued) task; numbers outside their range are rejected. */
  progress(id: string, update: TaskProgress): TaskView {
    const task = this.require(id);
    if (!isActive(task.status)) {
      throw new TaskRegistryError('TASK_ILLEGAL_TRANSITION', `task ${id} is ${task.status}; progress only applies to active tasks`);
    }
    const { progress, stage, message, step, step_total: stepTotal } = update ?? {};
    if (progress !== undefined && !(Number.isFinite(progress) && progress >= 0 && progress <= 1)) {
      throw new TaskRegistryError('TASK_INVALID_INPUT', 'progress must be a number between 0 and 1');
    }
    for (const [name, value] of [['step', step], ['step_total', stepTotal]] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
        throw new TaskRegistryError('TASK_INVALID_INPUT', `${name} must be a non-negative integer`);
      }
    }
    if (progress !== undefined) task.progress = progress;
    if (typeof stage === 'string') task.stage = clip(stage, MAX_TEXT_CHARS);
    if (typeof message === 'string') task.message = clip(message, MAX_TEXT_CHARS);
    if (step !== undefined) task.step = step;
    if (stepTotal !== undefined) task.step_total = stepTotal;
    return this.emit(task);
  }

  get(id: string): TaskView | undefined {
    const task = this.tasks.get(id);
    return task ? this.view(task) : undefined;
  }

  /** Tasks newest first, optionally filtered by status (one or several) and character. */
  list(filter: TaskListFilter = {}): TaskView[] {
    const statuses = filter.status === undefined ? undefined : ([] as TaskStatus[]).concat(filter.status);
    const limit = Math.max(0, Math.min(filter.limit ?? MAX_LIST, MAX_LIST));
    const out: TaskView[] = [];
    for (const task of [...this.tasks.values()].reverse()) {
      if (out.length >= limit) break;
      if (statuses && !statuses.includes(task.status)) continue;
      if (filter.lanlan_name !== undefined && task.lanlan_name !== filter.lanlan_name) continue;
      out.push(this.view(task));
    }
    return out;
  }

  /** Queued and running tasks in the `active_tasks` shape of the status snapshot, newest first. */
  activeTasks(): ActiveTaskView[] {
    return this.list({ status: ACTIVE_STATUSES }).map((t) => ({
      id: t.id,
      status: t.status,
      type: t.type,
      start_time: t.start_time,
      params: { ...(t.params ?? {}) },
      session_id: t.session_id ?? null,
      lanlan_name: t.lanlan_name,
    }));
  }

  /** Drops finished tasks older than the TTL and beyond the cap; active tasks are kept. Returns how many went. */
  sweep(): number {
    const cutoff = this.clock().getTime() - TERMINAL_TTL_MS;
    let kept = 0;
    let removed = 0;
    for (const task of [...this.tasks.values()].reverse()) {
      if (isActive(task.status)) continue;
      const ended = Date.parse(task.end_time ?? task.start_time);
      if (kept >= MAX_TERMINAL_TASKS || ended < cutoff) {
        this.tasks.delete(task.id);
        removed += 1;
      } else {
        kept += 1;
      }
    }
    return removed;
  }

  get size(): number {
    return this.tasks.size;
  }

  private transition(id: string, to: TaskStatus, error?: string, message?: string): TaskView {
    const task = this.require(id);
    if (!ALLOWED_TRANSITIONS[task.status].includes(to)) {
      throw new TaskRegistryError('TASK_ILLEGAL_TRANSITION', `task ${id} cannot go from ${task.status} to ${to}`);
    }
    task.status = to;
    if (typeof error === 'string') task.error = clip(error, MAX_ERROR_CHARS);
    if (typeof message === 'string') task.message = clip(message, MAX_TEXT_CHARS);
    if (TERMINAL_STATUSES.includes(to)) task.end_time = this.now();
    if (to === 'completed') task.progress = 1;
    return this.emit(task);
  }

  private require(id: string): MutableTask {
    const task = typeof id === 'string' ? this.tasks.get(id) : undefined;
    if (!task) throw new TaskRegistryError('TASK_NOT_FOUND', `task ${String(id)} not found`);
    return task;
  }

  private activeCount(): number {
    let n = 0;
    for (const task of this.tasks.values()) if (isActive(task.status)) n += 1;
    return n;
  }

  private emit(task: MutableTask): TaskView {
    this.rev += 1;
    const view = this.view(task);
    for (const listener of [...this.listeners]) {
      try {
        listener({ revision: this.rev, task: this.view(task) });
      } catch {
        // A failing listener must not break the registry or the other listeners.
      }
    }
    return view;
  }

  private view(task: MutableTask): TaskView {
    return { ...task, params: { ...(task.params ?? {}) } };
  }

  private now(): string {
    return utcIsoMicro(this.clock());
  }
}
