import { Injectable } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
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
  ) {}

  /** `lanlan_name` or the current character; undefined when no manager has that name. */
  private async manager(lanlan: unknown): Promise<SessionManager | undefined> {
    const name = truthy(lanlan) ? lanlan : (await this.characters.data()).currentName;
    return typeof name === 'string' ? this.sessions.get(name) : undefined;
  }

  /**
   * Stores the switches on the character's manager, then forwards the channel flags to the
   * agent (0.7 s). If that fails the manager's switches go back to off, as N.E.K.O. does.
   */
  async setFlags(body: { lanlan_name?: unknown; flags?: Record<string, unknown> | null }): Promise<WireAnswer> {
    const mgr = await this.manager(body.lanlan_name);
    if (!mgr) return NOT_FOUND;
    const flags = body.flags ?? {};
    mgr.updateAgentFlags(flags);
    const forward: Record<string, unknown> = {};
    for (const key of FORWARDED_FLAGS) if (key in flags) forward[key] = truthy(flags[key]);
    if (Object.keys(forward).length === 0) return answer({ success: true });
    // V1's agent takes the character too (agent spec §8.5); V0's ignored unknown fields.
    const o = await this.proxy.call('/agent/flags', { method: 'POST', body: { ...forward, lanlan_name: mgr.name }, timeoutMs: AGENT_TIMEOUTS.flags });
    const error = 'error' in o ? o.error : o.res.ok ? undefined : `tool_server responded ${o.res.status}`;
    if (error === undefined) return answer({ success: true });
    mgr.resetAgentFlags();
    return answer({ success: false, error: `tool_server forward failed: ${error}` }, 502);
  }

  /**
   * V1 `POST /api/agent/command`: the character's own switches follow set_agent_enabled / set_flag, then
   * the command goes to the agent (8 s); if the agent cannot be reached they go back to off, as V1 does.
   */
  async command(body: Record<string, unknown>): Promise<WireAnswer> {
    const mgr = await this.manager(body.lanlan_name);
    if (mgr && body.command === 'set_agent_enabled') mgr.updateAgentFlags({ agent_enabled: body.enabled });
    if (mgr && body.command === 'set_flag' && typeof body.key === 'string') mgr.updateAgentFlags({ [body.key]: body.value });
    const result = await this.proxy.command(mgr ? { ...body, lanlan_name: mgr.name } : { ...body });
    if (mgr && result.status >= 500 && body.command !== 'refresh_state') mgr.resetAgentFlags();
    return result;
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
