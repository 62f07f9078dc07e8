/**
 * The one port every agent channel adapter implements (MCP, computer use, browser use).
 * The task pipeline only talks to this interface: it asks `readiness()` for the capability snapshot
 * (spec §8.4), hands `describe()` to the analyzer prompt, and runs tasks with `execute()`.
 */
import { boundCodePoints } from '../../shared/text/bounded-text.util';
import { AgentReason } from '../tasks/agent-status.snapshot';

/** Channels an adapter can serve (the `channel` of a `task_result`, spec §8.4). */
export type AgentChannel = 'mcp' | 'computer_use' | 'browser_use';

/** The reason codes of spec §8.4 (AgentReason) that adapters use, under the adapters' names. */
export const CHANNEL_REASON = {
  ready: '',
  pending: AgentReason.PrecheckPending,
  endpointNotConfigured: AgentReason.EndpointNotConfigured,
  notInitialized: AgentReason.NotInitialized,
  /** No Chromium / Chrome / Edge executable was found. */
  browserUseNotInstalled: AgentReason.BrowserUseNotInstalled,
  /** No desktop automation: the native library did not load or there is no display (spec name kept). */
  desktopNotAvailable: AgentReason.PyautoguiNotInstalled,
  /** New code: mcp.json exists but is unreadable or invalid as a whole. */
  mcpConfigInvalid: AgentReason.McpConfigInvalid,
  /** New code: servers are configured but none could be reached or none offers a tool. */
  mcpUnreachable: AgentReason.McpUnreachable,
} as const;

/** Bounds of a `task_result` (spec §8.4). */
export const RESULT_LIMITS = { summary: 500, detail: 1500, error: 500 } as const;

export interface ChannelReadiness {
  ready: boolean;
  /** '' when ready, otherwise one of the reason codes. */
  reason: string;
}

/** One action the channel can perform, as shown to the analyzer. */
export interface ChannelAction {
  /** Unique within the channel (MCP: `server/tool`). */
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  inputSchema: Record<string, unknown>;
}

/** A part of the channel that is unavailable (e.g. an MCP server that failed to start). */
export interface ChannelProblem {
  source: string;
  error: string;
}

export interface ChannelDescription {
  channel: AgentChannel;
  actions: ChannelAction[];
  problems: ChannelProblem[];
}

export interface ChannelRequest {
  /** Action name from `describe()` (MCP: `server/tool`); adapters without named actions may ignore it. */
  action?: string;
  /** Arguments of the action (MCP tool arguments). */
  args?: Record<string, unknown>;
  /** Free-text instruction (computer use / browser use); may be written by a model. */
  instruction?: string;
  /**
   * The user's own words that led to this task (the latest user message, or the HTTP caller's
   * instruction). Only this is trusted to name local hosts the browser may open; model-written
   * instructions (planner steps fed by web pages) are not.
   */
  userRequest?: string;
  /** Upper bound for the whole execution; adapters apply their own default when absent. */
  timeoutMs?: number;
}

export interface ChannelProgress {
  stage: string;
  message?: string;
  progress?: number;
}

export interface ChannelExecuteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ChannelProgress) => void;
}

export interface ChannelResult {
  success: boolean;
  /** ≤ RESULT_LIMITS.summary characters. */
  summary: string;
  /** ≤ RESULT_LIMITS.detail characters, may be ''. */
  detail: string;
  /** ≤ RESULT_LIMITS.error characters; set when success is false. */
  error?: string;
}

export interface AgentChannelAdapter {
  readonly channel: AgentChannel;
  readiness(): Promise<ChannelReadiness>;
  describe(): Promise<ChannelDescription>;
  /** Never throws: failures, timeouts and cancellations come back as `success: false`. */
  execute(request: ChannelRequest, options?: ChannelExecuteOptions): Promise<ChannelResult>;
}

/** Cuts `text` to `max` characters (code points: a surrogate pair is never split), marking the cut with an ellipsis. */
export function boundText(text: string, max: number): string {
  return boundCodePoints(text, max);
}
