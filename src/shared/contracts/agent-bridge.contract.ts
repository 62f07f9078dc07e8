/**
 * Events between main and agent over ZeroMQ (spec memory-and-agent-servers.md §8.3–§8.4).
 * Field names are the wire names. Each event is one JSON object keyed by `event_type`.
 */

/** Sockets of the bridge, by channel name (used to route events). */
export const BridgeChannel = {
  /** PUB 48961 main → agent, session/lifecycle events. */
  Session: 'session',
  /** PUSH 48963 main → agent, reliable analyze_request queue. */
  Analyze: 'analyze',
  /** PUSH 48962 agent → main, acks, status, task updates and results. */
  Results: 'results',
} as const;

export const MainToAgent = { AnalyzeRequest: 'analyze_request' } as const;

export const AgentToMain = {
  AnalyzeAck: 'analyze_ack',
  TaskUpdate: 'task_update',
  TaskResult: 'task_result',
  ProactiveMessage: 'proactive_message',
  AgentNotification: 'agent_notification',
  AgentStatusUpdate: 'agent_status_update',
} as const;

export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  /** V1 key; V0 used `text` (the agent reads `text` first, then `content`). */
  readonly content?: string;
  readonly text?: string;
}

export interface AnalyzeRequestEvent {
  readonly event_type: typeof MainToAgent.AnalyzeRequest;
  /** uuid4 hex (32 chars); absent on main's internal HTTP bridge path. */
  readonly event_id?: string;
  readonly trigger: 'turn_end' | 'session_end';
  readonly lanlan_name: string;
  readonly messages: readonly ChatMessage[];
  readonly conversation_id?: string;
}

export interface AnalyzeAckEvent {
  readonly event_type: typeof AgentToMain.AnalyzeAck;
  readonly lanlan_name: string | null;
  readonly event_id: string;
}

export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type TaskType = 'computer_use' | 'browser_use' | 'user_plugin' | 'plugin_direct' | 'openfang' | 'mcp';

export interface TaskUpdateEvent {
  readonly event_type: typeof AgentToMain.TaskUpdate;
  readonly lanlan_name: string | null;
  readonly task: {
    readonly id: string;
    readonly status: TaskStatus;
    readonly type: TaskType;
    readonly start_time: string;
    readonly end_time?: string;
    readonly params?: Record<string, unknown>;
    readonly error?: string | null;
    readonly session_id?: string;
    readonly progress?: number;
    readonly stage?: string;
    readonly message?: string;
    readonly step?: number;
    readonly step_total?: number;
  };
}

export interface TaskResultEvent {
  readonly event_type: typeof AgentToMain.TaskResult | typeof AgentToMain.ProactiveMessage;
  readonly lanlan_name: string | null;
  readonly text: string;
  readonly task_id: string;
  readonly channel: string;
  readonly status: 'completed' | 'partial' | 'failed';
  readonly success: boolean;
  readonly summary: string;
  readonly detail: string;
  readonly error_message?: string;
  readonly timestamp: string;
}

export interface AgentNotificationEvent {
  readonly event_type: typeof AgentToMain.AgentNotification;
  readonly lanlan_name: string | null;
  readonly text: string;
  readonly source: 'brain';
  readonly status: string;
  readonly error_message?: string;
}

export interface AgentStatusUpdateEvent {
  readonly event_type: typeof AgentToMain.AgentStatusUpdate;
  readonly lanlan_name: string | null;
  readonly snapshot: Record<string, unknown>;
}

export type MainToAgentEvent = AnalyzeRequestEvent;
export type AgentToMainEvent = AnalyzeAckEvent | TaskUpdateEvent | TaskResultEvent | AgentNotificationEvent | AgentStatusUpdateEvent;
