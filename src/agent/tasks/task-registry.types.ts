import { AgentToMain, type TaskStatus, type TaskType, type TaskUpdateEvent } from '../../shared/contracts/agent-bridge.contract';

/** Current time, injectable so that lifecycle timing and sweeping can be tested exactly. */
export const TASK_CLOCK = Symbol('TASK_CLOCK');
export type TaskClock = () => Date;

/** The task as `task_update.task` carries it (spec §8.4); the registry hands out copies of this. */
export type TaskView = TaskUpdateEvent['task'] & { readonly lanlan_name: string | null };

/** One entry of `agent_status_update.snapshot.active_tasks` (spec §8.4). */
export interface ActiveTaskView {
  readonly id: string;
  readonly status: TaskStatus;
  readonly type: TaskType;
  readonly start_time: string;
  readonly params: Record<string, unknown>;
  readonly session_id: string | null;
  readonly lanlan_name: string | null;
}

export interface NewTask {
  readonly type: TaskType;
  readonly params?: Record<string, unknown>;
  readonly lanlan_name?: string | null;
  readonly session_id?: string;
}

export interface TaskProgress {
  readonly progress?: number;
  readonly stage?: string;
  readonly message?: string;
  readonly step?: number;
  readonly step_total?: number;
}

export interface TaskListFilter {
  readonly status?: TaskStatus | readonly TaskStatus[];
  readonly lanlan_name?: string | null;
  readonly limit?: number;
}

/** One change of the registry: the task after the change and the registry revision it produced. */
export interface TaskChange {
  readonly revision: number;
  readonly task: TaskView;
}
export type TaskChangeListener = (change: TaskChange) => void;

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly TaskStatus[] = ['queued', 'running'];

/** Allowed lifecycle moves; terminal states have none. */
export const ALLOWED_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

export type TaskRegistryErrorCode = 'TASK_NOT_FOUND' | 'TASK_ILLEGAL_TRANSITION' | 'TASK_INVALID_INPUT';

/** Raised for unknown ids, illegal lifecycle moves and bad input; `code` is stable for the HTTP layer. */
export class TaskRegistryError extends Error {
  constructor(
    readonly code: TaskRegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TaskRegistryError';
  }
}

/** The `task_update` event (spec §8.4) for one registry change; the character goes to the event's top level. */
export function toTaskUpdateEvent(change: TaskChange): TaskUpdateEvent {
  const { lanlan_name: lanlanName, ...task } = change.task;
  return { event_type: AgentToMain.TaskUpdate, lanlan_name: lanlanName, task };
}
