import type { AgentChannel, ChannelDescription, ChannelReadiness } from '../adapters/agent-channel.port';
import { within } from '../../shared/async/within.util';
import type { CoreConfigService } from '../../shared/config/core-config.service';
import { agentApiGate, AgentReason, GATED_CHANNELS, type AgentGate } from '../tasks/agent-status.snapshot';
import type { AgentFlagKey } from './agent-flags.service';

/** Which flag switches which adapter channel. */
export const CHANNEL_FLAG: Readonly<Record<AgentChannel, AgentFlagKey>> = {
  mcp: 'mcp_enabled',
  computer_use: 'computer_use_enabled',
  browser_use: 'browser_use_enabled',
};

/** The channel a flag switches, if it switches one of ours. */
export function channelOfFlag(key: AgentFlagKey): AgentChannel | undefined {
  return (Object.keys(CHANNEL_FLAG) as AgentChannel[]).find((c) => CHANNEL_FLAG[c] === key);
}

/** Flags of the gated channels (agent model tier): they cannot be on while the Agent API gate is closed (spec §8.5). */
export const GATED_FLAGS: readonly AgentFlagKey[] = GATED_CHANNELS.map((c) => CHANNEL_FLAG[c]);

/** Channels not built in N.E.K.O.-TS: their flags cannot be turned on, with these codes. */
export const UNBUILT_FLAGS: Readonly<Partial<Record<AgentFlagKey, string>>> = {
  user_plugin_enabled: AgentReason.PluginServerError,
  openfang_enabled: AgentReason.OpenfangDaemonUnreachable,
};

const SHORT: Readonly<Record<AgentChannel, string>> = { mcp: 'MCP', computer_use: 'CU', browser_use: 'BU' };

/**
 * Notification codes (JSON `{code, details}` in `notification`, spec §8.1):
 * `AGENT_<CU|BU|MCP>_UNAVAILABLE` (could not be enabled), `_ENABLED_CHECKING` (on while the
 * check runs), `_DISCONNECTED` (was on, became unready and was switched off).
 */
export function notificationCode(channel: AgentChannel, kind: 'UNAVAILABLE' | 'ENABLED_CHECKING' | 'DISCONNECTED'): string {
  return `AGENT_${SHORT[channel]}_${kind}`;
}

/** An adapter's readiness, never throwing and bounded in time. */
export async function safeReadiness(readiness: () => Promise<ChannelReadiness>, timeoutMs: number): Promise<ChannelReadiness> {
  const failed: ChannelReadiness = { ready: false, reason: AgentReason.NotInitialized };
  let result: Promise<ChannelReadiness>;
  try {
    result = readiness();
  } catch {
    return failed;
  }
  const r = await within(result, timeoutMs, failed);
  return { ready: r?.ready === true, reason: r?.ready === true ? '' : typeof r?.reason === 'string' && r.reason ? r.reason : AgentReason.NotInitialized };
}

/**
 * The MCP channel's readiness from one catalogue read (what its `readiness()` computes with a second one):
 * tools → ready; mcp.json unreadable or only invalid entries → config invalid; nothing configured →
 * endpoint not configured; else the servers could not be reached.
 */
export function mcpReadinessOf(description: ChannelDescription): ChannelReadiness {
  if (description.actions.length > 0) return { ready: true, reason: '' };
  const { problems } = description;
  if (problems.some((p) => p.source === 'mcp.json')) return { ready: false, reason: AgentReason.McpConfigInvalid };
  if (problems.length === 0) return { ready: false, reason: AgentReason.EndpointNotConfigured };
  if (problems.every((p) => p.error.startsWith('invalid entry:'))) return { ready: false, reason: AgentReason.McpConfigInvalid };
  return { ready: false, reason: AgentReason.McpUnreachable };
}

/** The Agent API gate over core_config's agent tier; an unreadable config counts as nothing configured. */
export async function readAgentGate(core: CoreConfigService, warn: (message: string) => void): Promise<AgentGate> {
  try {
    const [config, model] = await Promise.all([core.config(), core.modelConfig('agent')]);
    return agentApiGate({ model: model.model, url: model.baseUrl, key: model.apiKey }, config.isFreeVersion);
  } catch (err) {
    warn(`agent API gate: core_config unreadable: ${String(err)}`);
    return agentApiGate(undefined);
  }
}
