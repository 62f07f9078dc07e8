import { Inject, Injectable, Optional } from '@nestjs/common';
import { TASK_CLOCK, type TaskClock } from './task-registry.types';

/** Entries kept per task (the oldest go first), length of one message, and tasks tracked at once. */
export const ACTION_LOG_LIMITS = { entriesPerTask: 200, messageChars: 300, stageChars: 64, tasks: 1000 } as const;

export interface TaskActionEntry {
  /** ISO time the action was reported. */
  readonly at: string;
  readonly stage: string;
  readonly message: string;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);

/**
 * Per-task log of every action an adapter reported (GET /tasks/:id answers it as `actions`). Bounded in
 * entries per task, message size and number of tasks; the runner drops a task's log when the registry
 * sweeps the task, and the least recently written task goes when too many are tracked.
 */
@Injectable()
export class TaskActionLog {
  private readonly logs = new Map<string, TaskActionEntry[]>();

  constructor(@Optional() @Inject(TASK_CLOCK) private readonly clock: TaskClock = () => new Date()) {}

  add(taskId: string, entry: { stage: string; message?: string }): void {
    if (typeof taskId !== 'string' || taskId === '') return;
    let list = this.logs.get(taskId);
    if (list) {
      // Re-insert so that Map order is "least recently written first" for eviction.
      this.logs.delete(taskId);
    } else {
      list = [];
      while (this.logs.size >= ACTION_LOG_LIMITS.tasks) this.logs.delete(this.logs.keys().next().value as string);
    }
    this.logs.set(taskId, list);
    list.push({
      at: this.clock().toISOString(),
      stage: clip(String(entry.stage ?? ''), ACTION_LOG_LIMITS.stageChars),
      message: clip(String(entry.message ?? ''), ACTION_LOG_LIMITS.messageChars),
    });
    if (list.length > ACTION_LOG_LIMITS.entriesPerTask) list.splice(0, list.length - ACTION_LOG_LIMITS.entriesPerTask);
  }

  /** Copies of the task's entries, oldest first ([] for an unknown task). */
  list(taskId: string): TaskActionEntry[] {
    return (this.logs.get(taskId) ?? []).map((e) => ({ ...e }));
  }

  drop(taskId: string): void {
    this.logs.delete(taskId);
  }

  /** Keeps only the logs of the given task ids (the ones the registry still holds). */
  retain(taskIds: Iterable<string>): number {
    const keep = new Set(taskIds);
    let removed = 0;
    for (const id of [...this.logs.keys()]) {
      if (!keep.has(id)) {
        this.logs.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  get size(): number {
    return this.logs.size;
  }
}
