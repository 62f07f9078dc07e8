import { AgentToMain, MainToAgent } from './agent-bridge.contract';

type Obj = Record<string, unknown>;
type Check = (e: Obj) => string | undefined;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (e: Obj, k: string): string | undefined =>
  e[k] === undefined || typeof e[k] === 'string' ? undefined : `${k} must be a string`;
const nameOrNull = (e: Obj): string | undefined =>
  e.lanlan_name === undefined || e.lanlan_name === null || typeof e.lanlan_name === 'string' ? undefined : 'lanlan_name must be a string or null';
const first = (...checks: Array<string | undefined>): string | undefined => checks.find((c) => c !== undefined);

const TASK_STATUSES = new Set(['queued', 'running', 'completed', 'failed', 'cancelled']);

const CHECKS: Readonly<Record<string, Check>> = {
  [MainToAgent.AnalyzeRequest]: (e) =>
    first(
      typeof e.lanlan_name === 'string' ? undefined : 'lanlan_name must be a string',
      e.trigger === undefined || e.trigger === 'turn_end' || e.trigger === 'session_end' ? undefined : 'trigger must be turn_end or session_end',
      optString(e, 'event_id'),
      optString(e, 'conversation_id'),
      Array.isArray(e.messages) && e.messages.every((m) => isObj(m) && typeof m.role === 'string')
        ? undefined
        : 'messages must be a list of {role, content}',
    ),
  [AgentToMain.AnalyzeAck]: (e) => first(nameOrNull(e), typeof e.event_id === 'string' ? undefined : 'event_id must be a string'),
  [AgentToMain.TaskUpdate]: (e) =>
    first(
      nameOrNull(e),
      isObj(e.task) && typeof e.task.id === 'string' && TASK_STATUSES.has(e.task.status as string)
        ? undefined
        : 'task must have an id and a known status',
    ),
  [AgentToMain.TaskResult]: (e) => first(nameOrNull(e), optString(e, 'text'), optString(e, 'summary'), optString(e, 'detail')),
  [AgentToMain.ProactiveMessage]: (e) => first(nameOrNull(e), optString(e, 'text')),
  [AgentToMain.AgentNotification]: (e) => first(nameOrNull(e), optString(e, 'text')),
  [AgentToMain.AgentStatusUpdate]: (e) => first(nameOrNull(e), isObj(e.snapshot) ? undefined : 'snapshot must be an object'),
};

/** Reason to drop a bridge event, or undefined when it has the fields its type needs. Unknown types pass. */
export function validateBridgeEvent(event: { event_type: string } & Obj): string | undefined {
  return CHECKS[event.event_type]?.(event);
}
