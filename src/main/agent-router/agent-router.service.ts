import { Injectable } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { isPlainObject } from '../../shared/data/json-edit';
import { truthy } from '../characters/character-name.validator';
import { answer, type WireAnswer } from '../memory-router/peer-answer.util';
import type { SessionManager } from '../sessions/session-manager';
import { SessionRegistry } from '../sessions/session-registry.service';
import { AGENT_TIMEOUTS, AgentProxyService } from './agent-proxy.service';

/** Flags main forwards to the agent (snapshot's three, plus V1's browser_use_enabled). */
const FORWARDED_FLAGS = ['mcp_enabled', 'computer_use_enabled', 'browser_use_enabled', 'user_plugin_enabled'] as const;
/** Longest task result accepted (the agent sends at most 240 characters). */
export const MAX_TASK_RESULT_CHARS = 4000;
/** Results kept per character until the next hot swap tells them (oldest dropped first). */
export const MAX_PENDING_REPLIES = 50;

const NOT_FOUND = answer({ success: false, error: 'lanlan not found' }, 404);
/** Channel switches the manager keeps. */
const MANAGER_CHANNEL_FLAGS = ['computer_use_enabled', 'mcp_enabled', 'browser_use_enabled'] as const;

/** The manager takes the channel flags the agent reports (its answer is the truth after checks). */
function followAgent(mgr: SessionManager, agentFlags: unknown): void {
  if (!isPlainObject(agentFlags)) return;
  mgr.updateAgentFlags(Object.fromEntries(MANAGER_CHANNEL_FLAGS.map((k) => [k, agentFlags[k]])));
}

/**
 * The parts of the agent router that touch main's own session state (spec §3.9): the per-character
 * agent switches and the agent's task results waiting to be told.
 */
@Injectable()
export class AgentRouterService {
  constructor(
    private readonly proxy: AgentProxyService,
    private readonly sessions: SessionRegistry,
    private readonly characters: CharactersService,
    private readonly coreConfig: CoreConfigService,
  ) {}

  /** `lanlan_name` or the current character; undefined when no manager has that name. */
  private async manager(lanlan: unknown): Promise<SessionManager | undefined> {
    const name = truthy(lanlan) ? lanlan : (await this.characters.data()).currentName;
    return typeof name === 'string' ? this.sessions.get(name) : undefined;
  }

  /**
   * Stores the switches on the character's manager, then forwards the channel flags to the agent
   * (0.7 s); the manager then keeps the channel flags the agent actually set. If the forward fails the
   * manager's switches go back to off, as N.E.K.O. does. V1 answers `{"success": true, "is_free_version"}`.
   */
  async setFlags(body: { lanlan_name?: unknown; flags?: Record<string, unknown> | null }): Promise<WireAnswer> {
    const mgr = await this.manager(body.lanlan_name);
    if (!mgr) return NOT_FOUND;
    const flags = body.flags ?? {};
    mgr.updateAgentFlags(flags);
    const forward: Record<string, unknown> = {};
    for (const key of FORWARDED_FLAGS) if (key in flags) forward[key] = truthy(flags[key]);
    if (Object.keys(forward).length === 0) return answer({ success: true, is_free_version: await this.isFreeVersion() });
    // V1's agent takes the character too (agent spec §8.5); V0's ignored unknown fields.
    const o = await this.proxy.call('/agent/flags', { method: 'POST', body: { ...forward, lanlan_name: mgr.name }, timeoutMs: AGENT_TIMEOUTS.flags });
    const error = 'error' in o ? o.error : o.res.ok ? undefined : `tool_server responded ${o.res.status}`;
    if (error !== undefined) {
      mgr.resetAgentFlags();
      return answer({ success: false, error: `tool_server forward failed: ${error}` }, 502);
    }
    if ('json' in o && isPlainObject(o.json)) followAgent(mgr, o.json.agent_flags);
    return answer({ success: true, is_free_version: await this.isFreeVersion() });
  }

  /**
   * V1 `POST /api/agent/command`: the character's own switches follow set_agent_enabled (off clears the
   * channel flags too) / set_flag, then the command goes to the agent (8 s). The manager then keeps the
   * channel flags of the agent's snapshot; if the command fails they go back to what they were before.
   */
  async command(body: Record<string, unknown>): Promise<WireAnswer> {
    const mgr = await this.manager(body.lanlan_name);
    const before = mgr ? { ...mgr.agentFlags } : undefined;
    if (mgr && body.command === 'set_agent_enabled') {
      mgr.updateAgentFlags(body.enabled === false ? { agent_enabled: false, computer_use_enabled: false, mcp_enabled: false, browser_use_enabled: false } : { agent_enabled: body.enabled });
    }
    if (mgr && body.command === 'set_flag' && typeof body.key === 'string') mgr.updateAgentFlags({ [body.key]: body.value });
    const result = await this.proxy.command(mgr ? { ...body, lanlan_name: mgr.name } : { ...body });
    if (!mgr || !before) return result;
    if (result.status !== 200) {
      if (body.command !== 'refresh_state') mgr.updateAgentFlags({ ...before });
    } else if (isPlainObject(result.body) && isPlainObject(result.body.snapshot)) {
      followAgent(mgr, result.body.snapshot.flags);
    }
    return result;
  }

  /** core_config's free-version switch (false when it cannot be read). */
  private async isFreeVersion(): Promise<boolean> {
    return this.coreConfig.config().then((c) => c.isFreeVersion === true, () => false);
  }

  /** The agent's task result, told by the character at its next hot swap (spec §5.7). */
  async notifyTaskResult(body: { text?: unknown; lanlan_name?: unknown }): Promise<WireAnswer> {
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (text === '') return answer({ success: false, error: 'text required' }, 400);
    if (text.length > MAX_TASK_RESULT_CHARS) return answer({ success: false, error: `text too long (max ${MAX_TASK_RESULT_CHARS} characters)` }, 400);
    const mgr = await this.manager(body.lanlan_name);
    if (!mgr) return NOT_FOUND;
    mgr.pendingExtraReplies.push(text);
    if (mgr.pendingExtraReplies.length > MAX_PENDING_REPLIES) mgr.pendingExtraReplies.splice(0, mgr.pendingExtraReplies.length - MAX_PENDING_REPLIES);
    return answer({ success: true });
  }
}
