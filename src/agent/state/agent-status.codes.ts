import type { AgentChannel, ChannelReadiness } from '../adapters/agent-channel.port';
import type { CoreConfigService } from '../../shared/config/core-config.service';
import { agentApiGate, AgentReason, type AgentGate } from '../tasks/agent-status.snapshot';
import type { AgentFlagKey } from './agent-flags.service';

/** Which flag switches which adapter channel. */
export const CHANNEL_FLAG: Readonly<Record<AgentChannel, AgentFlagKey>> = {
  mcp: 'mcp_enabled',
  computer_use: 'computer_use_enabled',
  browser_use: 'browser_use_enabled',
};

/** Flags on the agent model tier: they cannot be on while the Agent API gate is closed (spec §8.5). */
export const GATED_FLAGS: readonly AgentFlagKey[] = ['computer_use_enabled', 'browser_use_enabled'];

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

/** Settles with `fallback` after `ms` when `promise` has not settled; a rejection also gives `fallback`. */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), Math.max(0, ms));
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
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
