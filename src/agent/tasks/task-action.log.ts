import { Inject, Injectable, Optional } from '@nestjs/common';
import { boundCodePoints } from '../../shared/text/bounded-text.util';
import { TASK_CLOCK, type TaskClock } from './task-registry.types';

/** Entries kept per task (the oldest go first), length of one message, tasks tracked at once, entries in all. */
export const ACTION_LOG_LIMITS = { entriesPerTask: 50, messageChars: 300, stageChars: 64, tasks: 1000, entries: 20_000 } as const;

export interface TaskActionEntry {
  /** ISO time the action was reported. */
  readonly at: string;
  readonly stage: string;
  readonly message: string;
}

/**
 * Per-task log of every action an adapter reported (GET /tasks/:id answers it as `actions`). Bounded in
 * entries per task, message size, number of tasks and entries in all; the runner drops a task's log when the
 * registry sweeps the task, and the least recently written tasks go when too many tasks or entries are kept.
 */
@Injectable()
export class TaskActionLog {
  private readonly logs = new Map<string, TaskActionEntry[]>();
  private total = 0;

  constructor(@Optional() @Inject(TASK_CLOCK) private readonly clock: TaskClock = () => new Date()) {}

  add(taskId: string, entry: { stage: string; message?: string }): void {
    if (typeof taskId !== 'string' || taskId === '') return;
    let list = this.logs.get(taskId);
    if (list) {
      // Re-insert so that Map order is "least recently written first" for eviction.
      this.logs.delete(taskId);
    } else {
      list = [];
      while (this.logs.size >= ACTION_LOG_LIMITS.tasks) this.drop(this.logs.keys().next().value as string);
    }
    this.logs.set(taskId, list);
    list.push({
      at: this.clock().toISOString(),
      stage: boundCodePoints(String(entry.stage ?? ''), ACTION_LOG_LIMITS.stageChars),
      message: boundCodePoints(String(entry.message ?? ''), ACTION_LOG_LIMITS.messageChars),
    });
    this.total += 1;
    if (list.length > ACTION_LOG_LIMITS.entriesPerTask) this.total -= list.splice(0, list.length - ACTION_LOG_LIMITS.entriesPerTask).length;
    // Over the global bound: whole logs of the least recently written tasks go (never the one just written).
    while (this.total > ACTION_LOG_LIMITS.entries && this.logs.size > 1) this.drop(this.logs.keys().next().value as string);
  }

  /** Copies of the task's entries, oldest first ([] for an unknown task). */
  list(taskId: string): TaskActionEntry[] {
    return (this.logs.get(taskId) ?? []).map((e) => ({ ...e }));
  }

  drop(taskId: string): void {
    this.total -= this.logs.get(taskId)?.length ?? 0;
    this.logs.delete(taskId);
  }

  /** Keeps only the logs of the given task ids (the ones the registry still holds). */
  retain(taskIds: Iterable<string>): number {
    const keep = new Set(taskIds);
    let removed = 0;
    for (const id of [...this.logs.keys()]) {
      if (!keep.has(id)) {
        this.drop(id);
        removed += 1;
      }
    }
    return removed;
  }

  get size(): number {
    return this.logs.size;
  }

  /** Entries kept over all tasks. */
  get entries(): number {
    return this.total;
  }
}
