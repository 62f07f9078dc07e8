/**
 * The agent server through main (/api/agent/*): its status snapshot (with each channel's
 * readiness), the master switch and the channel flags (V1 commands), the MCP tool catalogue,
 * tasks, and main's own mcp.json editor endpoint.
 */
import { api } from '../../core/api';
import { enc } from '../../core/dom';
import { t } from '../../core/i18n';

export const CHANNELS = ['mcp', 'browser_use', 'computer_use'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_FLAG: Readonly<Record<Channel, string>> = { mcp: 'mcp_enabled', browser_use: 'browser_use_enabled', computer_use: 'computer_use_enabled' };

export interface Capability {
  readonly ready?: boolean;
  readonly reason?: string;
}

export interface AgentSnapshot {
  readonly analyzer_enabled?: boolean;
  readonly flags?: Readonly<Record<string, boolean>>;
  readonly gate?: { readonly ready?: boolean; readonly reasons?: readonly string[] };
  readonly capabilities?: Readonly<Record<string, Capability>>;
}

export interface AgentTask {
  readonly id: string;
  readonly type?: string;
  readonly status?: string;
  readonly start_time?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly error?: string | null;
  readonly result?: unknown;
  readonly progress?: number;
  readonly stage?: string;
  readonly message?: string;
  readonly step?: number;
  readonly step_total?: number;
}

/** One entry of mcp.json as main's editor endpoint reads and writes it. */
export interface McpServer {
  name: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  type?: 'stdio' | 'streamable-http' | 'http' | 'sse';
}

export interface McpServers {
  /** The file content read: sent back with the save, which the server refuses (409) when the file changed since. */
  readonly revision?: string;
  readonly servers: McpServer[];
  readonly invalid?: readonly { name: string; error: string }[];
  readonly problem?: string;
  readonly agent_notified?: boolean;
}

export async function readState(): Promise<AgentSnapshot> {
  return (await api.get<{ snapshot?: AgentSnapshot }>('/api/agent/state', { timeoutMs: 5000 })).snapshot ?? {};
}

/** The V1 command answers the snapshot after the change: the agent's word on what is on. */
async function command(body: Record<string, unknown>): Promise<AgentSnapshot> {
  return (await api.post<{ snapshot?: AgentSnapshot }>('/api/agent/command', body, { timeoutMs: 12_000 })).snapshot ?? {};
}

/** Asks the agent to re-check every channel first (it waits up to 3 s), then answers its snapshot. */
export const checkState = (lanlanName: string) => command({ command: 'refresh_state', lanlan_name: lanlanName || undefined });
export const setMaster = (enabled: boolean, lanlanName: string) => command({ command: 'set_agent_enabled', enabled, lanlan_name: lanlanName || undefined });
export const setChannel = (channel: Channel, value: boolean, lanlanName: string) => command({ command: 'set_flag', key: CHANNEL_FLAG[channel], value, lanlan_name: lanlanName || undefined });

/** MCP tool names (`server/tool`) by server; undefined when the agent cannot be asked. */
export async function toolsByServer(): Promise<Map<string, string[]> | undefined> {
  const body = await api.get<{ capabilities?: Record<string, unknown> }>('/api/agent/capabilities', { timeoutMs: 6000 }).catch(() => undefined);
  if (!body) return undefined;
  const out = new Map<string, string[]>();
  for (const full of Object.keys(body.capabilities ?? {})) {
    const cut = full.indexOf('/');
    const server = cut > 0 ? full.slice(0, cut) : '';
    out.set(server, [...(out.get(server) ?? []), cut > 0 ? full.slice(cut + 1) : full]);
  }
  return out;
}

export async function readTasks(signal?: AbortSignal): Promise<AgentTask[]> {
  return (await api.get<{ tasks?: AgentTask[] }>('/api/agent/tasks', { timeoutMs: 5000, signal })).tasks ?? [];
}

export async function cancelTask(id: string): Promise<void> {
  const body = await api.post<{ success?: boolean; error?: string }>(`/api/agent/tasks/${enc(id)}/cancel`);
  if (body.success === false) throw new Error(body.error ?? t('agent.tasks.cancelFailed'));
}

export const readMcpServers = () => api.get<McpServers>('/api/agent/mcp_servers');
export const saveMcpServers = (servers: readonly McpServer[], revision: string | undefined) =>
  api.put<McpServers>('/api/agent/mcp_servers', { servers, revision }, { timeoutMs: 20_000 });
