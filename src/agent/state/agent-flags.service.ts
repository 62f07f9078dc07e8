import { Injectable } from '@nestjs/common';

/**
 * The channel switches: the four of spec §8.1 plus V0's `mcp_enabled` (we keep the MCP channel).
 * All off until the user enables one.
 */
export interface AgentFlags {
  mcp_enabled: boolean;
  computer_use_enabled: boolean;
  browser_use_enabled: boolean;
  user_plugin_enabled: boolean;
  openfang_enabled: boolean;
}

export type AgentFlagKey = keyof AgentFlags;

export const AGENT_FLAG_KEYS: readonly AgentFlagKey[] = ['mcp_enabled', 'computer_use_enabled', 'browser_use_enabled', 'user_plugin_enabled', 'openfang_enabled'];

export function isAgentFlagKey(key: unknown): key is AgentFlagKey {
  return typeof key === 'string' && (AGENT_FLAG_KEYS as readonly string[]).includes(key);
}

const ALL_OFF: AgentFlags = { mcp_enabled: false, computer_use_enabled: false, browser_use_enabled: false, user_plugin_enabled: false, openfang_enabled: false };

/** Largest analyzer profile kept (it is opaque and only echoed back). */
export const MAX_PROFILE_BYTES = 16 * 1024;

/**
 * Owner of the agent's switches: the analyzer master switch ("agent on", off at start as in spec §7.1),
 * its opaque profile, and the per-channel flags. Pure state; AgentStatusService adds the checks and events.
 */
@Injectable()
export class AgentFlagsService {
  private flags: AgentFlags = { ...ALL_OFF };
  private analyzer = false;
  private analyzerProfile: Record<string, unknown> = {};
  /** Per flag, bumped on every set: a check started before a later change must not apply its result. */
  private readonly generations: Record<AgentFlagKey, number> = { mcp_enabled: 0, computer_use_enabled: 0, browser_use_enabled: 0, user_plugin_enabled: 0, openfang_enabled: 0 };

  get analyzerEnabled(): boolean {
    return this.analyzer;
  }

  get profile(): Record<string, unknown> {
    return { ...this.analyzerProfile };
  }

  get(): AgentFlags {
    return { ...this.flags };
  }

  /** Applies the boolean entries of `patch` (anything else is ignored); returns the new flags. */
  set(patch: Partial<Record<AgentFlagKey, unknown>>): AgentFlags {
    for (const key of AGENT_FLAG_KEYS) {
      const value = patch[key];
      if (typeof value !== 'boolean') continue;
      this.flags[key] = value;
      this.generations[key] += 1;
    }
    return this.get();
  }

  clear(): AgentFlags {
    return this.set(ALL_OFF);
  }

  /** The flag's generation now (compare later with `generation` to know whether it was set since). */
  generation(key: AgentFlagKey): number {
    return this.generations[key];
  }

  /** Starts a new generation without changing the value (a request to enable, decided after a check). */
  claim(key: AgentFlagKey): number {
    this.generations[key] += 1;
    return this.generations[key];
  }

  /** Switches the analyzer; enabling stores `profile` (a plain object, bounded), disabling clears it. */
  setAnalyzer(enabled: boolean, profile?: unknown): void {
    this.analyzer = enabled;
    this.analyzerProfile = enabled ? boundedProfile(profile) : {};
  }
}

function boundedProfile(profile: unknown): Record<string, unknown> {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return {};
  try {
    const text = JSON.stringify(profile);
    return Buffer.byteLength(text, 'utf8') <= MAX_PROFILE_BYTES ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
