import { isPlainObject } from '../../shared/data/json-edit';
import { isoNow } from '../characters/voice-storage.service';
import { answer, type WireAnswer } from '../memory-router/peer-answer.util';

export interface TaskSummary {
  readonly id: unknown;
  readonly status: unknown;
  readonly type: unknown;
  readonly lanlan_name: unknown;
  readonly start_time: unknown;
  readonly end_time: unknown;
  readonly params: unknown;
  readonly result: unknown;
  readonly error: unknown;
  readonly source: unknown;
}

const field = (t: Record<string, unknown>, key: string, fallback: unknown = null): unknown => (key in t ? t[key] : fallback);

/** One task of the agent's `/tasks` with N.E.K.O.'s defaults (spec §3.9). */
export function summariseTask(t: Record<string, unknown>): TaskSummary {
  return {
    id: field(t, 'id'),
    status: field(t, 'status', 'unknown'),
    type: field(t, 'type', 'unknown'),
    lanlan_name: field(t, 'lanlan_name'),
    start_time: field(t, 'start_time'),
    end_time: field(t, 'end_time'),
    params: field(t, 'params', {}),
    result: field(t, 'result'),
    error: field(t, 'error'),
    source: field(t, 'source', 'unknown'),
  };
}

/** `{"success": true, "tasks", "<status>_count"…, "timestamp", "debug"}` from the agent's `/tasks` answer. */
export function taskStatusAnswer(json: unknown, now = new Date()): WireAnswer {
  const data = isPlainObject(json) ? json : {};
  const tasks = (Array.isArray(data.tasks) ? data.tasks : []).filter(isPlainObject).map(summariseTask);
  const count = (status: string) => tasks.filter((t) => t.status === status).length;
  return answer({
    success: true,
    tasks,
    total_count: tasks.length,
    running_count: count('running'),
    queued_count: count('queued'),
    completed_count: count('completed'),
    failed_count: count('failed'),
    timestamp: isoNow(now),
    debug: data.debug ?? {},
  });
}

/**
 * The agent could not be asked. [QUIRK] fixed: N.E.K.O. answers 500 (its own fault) for an agent
 * that is down; it is the peer that failed, so 502 with the same body.
 */
export function taskStatusFailure(error: string, now = new Date()): WireAnswer {
  return answer({ success: false, tasks: [], error: `Failed to fetch task status: ${error}`, timestamp: isoNow(now) }, 502);
}
