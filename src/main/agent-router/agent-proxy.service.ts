import { Injectable } from '@nestjs/common';
import { isPlainObject } from '../../shared/data/json-edit';
import { AgentServerClient } from '../clients/peer-clients.module';
import type { PeerRequest, PeerResponse } from '../clients/peer-http.client';
import { answer, failure, type WireAnswer } from '../memory-router/peer-answer.util';
import { taskStatusAnswer, taskStatusFailure } from './agent-task-status.util';

/** Time-outs of N.E.K.O.'s agent_router.py (seconds there). */
export const AGENT_TIMEOUTS = { flags: 700, health: 700, availability: 1500, tasks: 2500, task: 1500, admin: 5000, slow: 5000, state: 1500, command: 8000 } as const;

type Outcome = { readonly res: PeerResponse; readonly json: unknown } | { readonly error: string };

/**
 * Pass-throughs to the agent ("tool") server, each answering the original's failure shape:
 * a non-2xx answer and an unreachable server are told apart as N.E.K.O. does.
 */
@Injectable()
export class AgentProxyService {
  constructor(private readonly agent: AgentServerClient) {}

  /** One call; a 2xx answer that is not JSON counts as a failure (httpx's r.json() would raise). */
  async call(path: string, req: PeerRequest): Promise<Outcome> {
    try {
      const res = await this.agent.request(path, req);
      if (res.ok && res.json === undefined) return { error: `invalid JSON from tool_server (${res.status})` };
      return { res, json: res.json };
    } catch (err) {
      return { error: failure(err) };
    }
  }

  async flags(): Promise<WireAnswer> {
    const o = await this.call('/agent/flags', { timeoutMs: AGENT_TIMEOUTS.flags });
    if ('error' in o) return answer({ success: false, error: o.error }, 502);
    return o.res.ok ? answer(o.json) : answer({ success: false, error: 'tool_server down' }, 502);
  }

  async health(): Promise<WireAnswer> {
    const o = await this.call('/health', { timeoutMs: AGENT_TIMEOUTS.health });
    if ('error' in o || !o.res.ok) return answer({ status: 'down' }, 502);
    return answer({ status: 'ok', ...(isPlainObject(o.json) ? { tool: o.json } : {}) });
  }

  /** computer_use, mcp and browser_use availability (agent §7.2/§8.5). */
  async availability(channel: 'computer_use' | 'mcp' | 'browser_use'): Promise<WireAnswer> {
    const o = await this.call(`/${channel}/availability`, { timeoutMs: AGENT_TIMEOUTS.availability });
    if ('error' in o) return answer({ ready: false, reasons: [`proxy error: ${o.error}`] }, 502);
    return o.res.ok ? answer(o.json) : answer({ ready: false, reasons: [`tool_server responded ${o.res.status}`] }, 502);
  }

  /**
   * N.E.K.O. asks its user-plugin server (port 48916) here. That server is not part of
   * N.E.K.O.-TS, so the answer is the original's "unreachable" shape at once, with no network call.
   */
  userPluginAvailability(): WireAnswer {
    return answer({ ready: false, reasons: ['user_plugin server is not part of N.E.K.O.-TS'] }, 502);
  }

  async tasks(): Promise<WireAnswer> {
    const o = await this.call('/tasks', { timeoutMs: AGENT_TIMEOUTS.tasks });
    if ('error' in o) return answer({ tasks: [], error: `proxy error: ${o.error}` }, 502);
    return o.res.ok ? answer(o.json) : answer({ tasks: [], error: `tool_server responded ${o.res.status}` }, 502);
  }

  async task(id: string): Promise<WireAnswer> {
    // "." and ".." would be resolved away by URL parsing and reach another agent route.
    if (id === '.' || id === '..') return answer({ error: 'tool_server responded 404' }, 502);
    const o = await this.call(`/tasks/${encodeURIComponent(id)}`, { timeoutMs: AGENT_TIMEOUTS.task });
    if ('error' in o) return answer({ error: `proxy error: ${o.error}` }, 502);
    return o.res.ok ? answer(o.json) : answer({ error: `tool_server responded ${o.res.status}` }, 502);
  }

  /** The task HUD's poll: the agent's tasks with defaults filled in and counted. */
  async taskStatus(): Promise<WireAnswer> {
    const o = await this.call('/tasks', { timeoutMs: AGENT_TIMEOUTS.tasks });
    if ('error' in o) return taskStatusFailure(o.error);
    if (!o.res.ok) return answer({ tasks: [], error: `tool_server responded ${o.res.status}` }, 502);
    return taskStatusAnswer(o.json);
  }

  async adminControl(body: unknown): Promise<WireAnswer> {
    const o = await this.call('/admin/control', { method: 'POST', body, timeoutMs: AGENT_TIMEOUTS.admin });
    // [QUIRK] fixed: 502 (the agent is down), not the original's 500; same body.
    if ('error' in o) return answer({ success: false, error: `Failed to execute admin control: ${o.error}` }, 502);
    return o.res.ok ? answer(o.json) : answer({ success: false, error: `tool_server responded ${o.res.status}` }, 502);
  }

  /** V1 `GET /agent/state`: the agent's status snapshot. */
  async state(): Promise<WireAnswer> {
    const o = await this.call('/agent/state', { timeoutMs: AGENT_TIMEOUTS.state });
    if ('error' in o) return answer({ success: false, error: `proxy error: ${o.error}` }, 502);
    return o.res.ok ? answer(o.json) : answer({ success: false, error: `tool_server responded ${o.res.status}` }, 502);
  }

  /** V1 `POST /agent/command` (8 s); the agent's own 4xx answers (unknown command …) pass through. */
  async command(body: unknown): Promise<WireAnswer> {
    return this.passClientErrors(await this.call('/agent/command', { method: 'POST', body, timeoutMs: AGENT_TIMEOUTS.command }));
  }

  /** V1 `POST /tasks/{id}/cancel`; 404 for an unknown task passes through. */
  async cancelTask(id: string): Promise<WireAnswer> {
    if (id === '.' || id === '..') return answer({ success: false, error: 'tool_server responded 404' }, 502);
    return this.passClientErrors(await this.call(`/tasks/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {}, timeoutMs: AGENT_TIMEOUTS.task }));
  }

  private passClientErrors(o: Outcome): WireAnswer {
    if ('error' in o) return answer({ success: false, error: `proxy error: ${o.error}` }, 502);
    if (o.res.ok) return answer(o.json);
    if (o.res.status >= 400 && o.res.status < 500 && o.json !== undefined) return answer(o.json, o.res.status);
    return answer({ success: false, error: `tool_server responded ${o.res.status}` }, 502);
  }

  /** V0 `GET /capabilities` (MCP tools). */
  async capabilities(): Promise<WireAnswer> {
    const o = await this.call('/capabilities', { timeoutMs: AGENT_TIMEOUTS.slow });
    if ('error' in o) return answer({ success: false, capabilities: {}, error: `proxy error: ${o.error}` }, 502);
    return o.res.ok ? answer(o.json) : answer({ success: false, capabilities: {}, error: `tool_server responded ${o.res.status}` }, 502);
  }

  /** V1 `POST /notify_config_changed` (after API settings were saved: rebuild adapters). */
  async notifyConfigChanged(): Promise<WireAnswer> {
    const o = await this.call('/notify_config_changed', { method: 'POST', body: {}, timeoutMs: AGENT_TIMEOUTS.slow });
    if ('error' in o) return answer({ success: false, error: `proxy error: ${o.error}` }, 502);
    return o.res.ok ? answer(o.json) : answer({ success: false, error: `tool_server responded ${o.res.status}` }, 502);
  }
}
