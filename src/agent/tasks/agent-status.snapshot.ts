import { utcIsoMicro } from '../../shared/time/utc-iso.util';
import type { AgentFlags } from '../state/agent-flags.service';
import type { ActiveTaskView } from './task-registry.types';

/** Capability reason codes of spec §8.4 plus two for MCP (empty string = ready). */
export const AgentReason = {
  PrecheckPending: 'AGENT_PRECHECK_PENDING',
  ModelNotConfigured: 'AGENT_MODEL_NOT_CONFIGURED',
  UrlNotConfigured: 'AGENT_URL_NOT_CONFIGURED',
  KeyNotConfigured: 'AGENT_KEY_NOT_CONFIGURED',
  EndpointNotConfigured: 'AGENT_ENDPOINT_NOT_CONFIGURED',
  PyautoguiNotInstalled: 'AGENT_PYAUTOGUI_NOT_INSTALLED',
  BrowserUseNotInstalled: 'AGENT_BROWSER_USE_NOT_INSTALLED',
  NotInitialized: 'AGENT_NOT_INITIALIZED',
  NoPluginsFound: 'AGENT_NO_PLUGINS_FOUND',
  PluginServerError: 'AGENT_PLUGIN_SERVER_ERROR',
  OpenfangDaemonUnreachable: 'AGENT_OPENFANG_DAEMON_UNREACHABLE',
  LlmUnreachable: 'AGENT_LLM_UNREACHABLE',
  /** Ours (the kept V0 MCP channel): mcp.json is unreadable or every entry in it is invalid. */
  McpConfigInvalid: 'AGENT_MCP_CONFIG_INVALID',
  /** Ours: servers are configured but none could be reached or none offers a tool. */
  McpUnreachable: 'AGENT_MCP_UNREACHABLE',
} as const;
export type AgentReasonCode = (typeof AgentReason)[keyof typeof AgentReason];
const KNOWN_REASONS: ReadonlySet<string> = new Set(Object.values(AgentReason));

/** Channels of the snapshot's `capabilities` (spec §8.4), plus our kept V0 MCP channel. */
export const CAPABILITY_CHANNELS = ['computer_use', 'browser_use', 'user_plugin', 'openfang', 'mcp'] as const;
export type CapabilityChannel = (typeof CAPABILITY_CHANNELS)[number];

export interface CapabilityState {
  readonly ready: boolean;
  readonly reason: AgentReasonCode | '';
}

export interface AgentGate {
  readonly ready: boolean;
  readonly reasons: readonly string[];
  readonly is_free_version: boolean;
}

export interface AgentStatusSnapshot {
  readonly revision: number;
  readonly server_online: boolean;
  readonly analyzer_enabled: boolean;
  readonly flags: AgentFlags;
  readonly gate: AgentGate;
  readonly capabilities: Readonly<Record<CapabilityChannel, CapabilityState>>;
  readonly active_tasks: readonly ActiveTaskView[];
  /** JSON string with a `code` field, or null (spec §8.4). */
  readonly notification: string | null;
  readonly updated_at: string;
}

/** The agent model tier's settings (spec §1.4 "Agent API gate"); blank strings count as missing. */
export interface AgentApiConfig {
  readonly model?: string | null;
  readonly url?: string | null;
  readonly key?: string | null;
}

/** The Agent API gate: ready when the agent tier has a model, a URL and a key; otherwise the missing ones. */
export function agentApiGate(config: AgentApiConfig | undefined, isFreeVersion = false): AgentGate {
  const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim() === '';
  const reasons: string[] = [];
  if (blank(config?.model)) reasons.push(AgentReason.ModelNotConfigured);
  if (blank(config?.url)) reasons.push(AgentReason.UrlNotConfigured);
  if (blank(config?.key)) reasons.push(AgentReason.KeyNotConfigured);
  return { ready: reasons.length === 0, reasons, is_free_version: isFreeVersion };
}

/**
 * Channels that run on the agent model tier and so are not ready while the gate is closed. MCP is not
 * gated: its decisions and plans use the summary tier.
 */
export const GATED_CHANNELS = ['computer_use', 'browser_use'] as const satisfies readonly CapabilityChannel[];
const GATED: ReadonlySet<string> = new Set(GATED_CHANNELS);

export interface SnapshotInputs {
  readonly revision: number;
  readonly serverOnline?: boolean;
  readonly analyzerEnabled: boolean;
  readonly flags: AgentFlags;
  /** Readiness per channel; a missing channel is reported as not yet checked. */
  readonly capabilities: Partial<Record<CapabilityChannel, { ready: boolean; reason?: string }>>;
  readonly activeTasks: readonly ActiveTaskView[];
  readonly gate: AgentGate;
  readonly notification?: { readonly code: string; readonly [key: string]: unknown } | null;
  readonly now: Date;
}

/** Upper bound of tasks listed in one snapshot (the registry caps active tasks too). */
export const MAX_SNAPSHOT_TASKS = 200;

function capability(input: { ready: boolean; reason?: string } | undefined): CapabilityState {
  if (!input) return { ready: false, reason: AgentReason.PrecheckPending };
  if (input.ready === true) return { ready: true, reason: '' };
  const reason = typeof input.reason === 'string' && KNOWN_REASONS.has(input.reason) ? input.reason : AgentReason.NotInitialized;
  return { ready: false, reason: reason as AgentReasonCode };
}

/**
 * Builds the `agent_status_update.snapshot` (spec §8.4) from its inputs; pure. Channels on the agent tier
 * (computer/browser use) report the gate's first reason while the gate is closed.
 */
export function buildAgentStatusSnapshot(input: SnapshotInputs): AgentStatusSnapshot {
  const gate: AgentGate = {
    ready: input.gate.ready === true,
    reasons: [...input.gate.reasons].filter((r) => typeof r === 'string').slice(0, 20),
    is_free_version: input.gate.is_free_version === true,
  };
  const gateReason = (KNOWN_REASONS.has(gate.reasons[0] ?? '') ? gate.reasons[0] : AgentReason.NotInitialized) as AgentReasonCode;
  const capabilities = Object.fromEntries(
    CAPABILITY_CHANNELS.map((c) => [c, !gate.ready && GATED.has(c) ? { ready: false, reason: gateReason } : capability(input.capabilities[c])]),
  ) as Record<CapabilityChannel, CapabilityState>;
  let notification: string | null = null;
  if (input.notification && typeof input.notification.code === 'string') {
    try {
      notification = JSON.stringify(input.notification);
    } catch {
      notification = JSON.stringify({ code: input.notification.code });
    }
  }
  return {
    revision: Number.isSafeInteger(input.revision) && input.revision >= 0 ? input.revision : 0,
    server_online: input.serverOnline ?? true,
    analyzer_enabled: input.analyzerEnabled,
    flags: { ...input.flags },
    gate,
    capabilities,
    active_tasks: input.activeTasks.slice(0, MAX_SNAPSHOT_TASKS),
    notification,
    updated_at: utcIsoMicro(input.now),
  };
}
