import { Injectable } from '@nestjs/common';
import { isPlainObject } from '../../shared/data/json-edit';
import { AgentServerClient } from '../clients/peer-clients.module';
import type { PeerRequest, PeerResponse } from '../clients/peer-http.client';
import { answer, failure, type WireAnswer } from '../memory-router/peer-answer.util';
import { taskStatusAnswer, taskStatusFailure } from './agent-task-status.util';

/** Time-outs of N.E.K.O.'s agent_router.py (seconds there). */
export const AGENT_TIMEOUTS = { flags: 700, health: 700, availability: 1500, tasks: 2500, task: 1500, admin: 5000, slow: 5000, state: 1500, command: 8000 } as const;

type Outcome = { readonly res: PeerResponse; readonly json: unknown } | { readonly error: string };

/** How a failure is put into words: the agent could not be asked / it answered non-2xx. */
interface FailureWords {
  readonly unreachable: (error: string) => string;
  readonly status: (status: number) => string;
}

const PROXY_WORDS: FailureWords = { unreachable: (e) => `proxy error: ${e}`, status: (s) => `tool_server responded ${s}` };
const FLAGS_WORDS: FailureWords = { unreachable: (e) => e, status: () => 'tool_server down' };
const ADMIN_WORDS: FailureWords = { unreachable: (e) => `Failed to execute admin control: ${e}`, status: PROXY_WORDS.status };

/** `/tasks/<id>`; undefined for "." and "..", which URL parsing would resolve to another agent route. */
export function taskPath(id: string, suffix = ''): string | undefined {
  return id === '.' || id === '..' ? undefined : `/tasks/${encodeURIComponent(id)}${suffix}`;
}

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

  /** The agent's 2xx answer as it is; otherwise 502 with `fail(<words>)`. */
  async forward(path: string, req: PeerRequest, fail: (message: string) => unknown, words: FailureWords = PROXY_WORDS): Promise<WireAnswer> {
    const o = await this.call(path, req);
    if ('error' in o) return answer(fail(words.unreachable(o.error)), 502);
    return o.res.ok ? answer(o.json) : answer(fail(words.status(o.res.status)), 502);
  }

  flags(): Promise<WireAnswer> {
    return this.forward('/agent/flags', { timeoutMs: AGENT_TIMEOUTS.flags }, (error) => ({ success: false, error }), FLAGS_WORDS);
  }

  async health(): Promise<WireAnswer> {
    const o = await this.call('/health', { timeoutMs: AGENT_TIMEOUTS.health });
    if ('error' in o || !o.res.ok) return answer({ status: 'down' }, 502);
    return answer({ status: 'ok', ...(isPlainObject(o.json) ? { tool: o.json } : {}) });
  }

  /** computer_use, mcp and browser_use availability (agent §7.2/§8.5). */
  availability(channel: 'computer_use' | 'mcp' | 'browser_use'): Promise<WireAnswer> {
    return this.forward(`/${channel}/availability`, { timeoutMs: AGENT_TIMEOUTS.availability }, (reason) => ({ ready: false, reasons: [reason] }));
  }

  /**
   * N.E.K.O. asks its user-plugin server (port 48916) here. That server is not part of
   * N.E.K.O.-TS, so the answer is the original's "unreachable" shape at once, with no network call.
   */
  userPluginAvailability(): WireAnswer {
    return answer({ ready: false, reasons: ['user_plugin server is not part of N.E.K.O.-TS'] }, 502);
  }

  tasks(): Promise<WireAnswer> {
    return this.forward('/tasks', { timeoutMs: AGENT_TIMEOUTS.tasks }, (error) => ({ tasks: [], error }));
  }

  async task(id: string): Promise<WireAnswer> {
    const path = taskPath(id);
    if (path === undefined) return answer({ error: PROXY_WORDS.status(404) }, 502);
    return this.forward(path, { timeoutMs: AGENT_TIMEOUTS.task }, (error) => ({ error }));
  }

  /** The task HUD's poll: the agent's tasks with defaults filled in and counted. */
  async taskStatus(): Promise<WireAnswer> {
    const o = await this.call('/tasks', { timeoutMs: AGENT_TIMEOUTS.tasks });
    if ('error' in o) return taskStatusFailure(o.error);
    if (!o.res.ok) return answer({ tasks: [], error: PROXY_WORDS.status(o.res.status) }, 502);
    return taskStatusAnswer(o.json);
  }

  /** [QUIRK] fixed: 502 when the agent is down (it is the peer that failed), not the original's 500; same body. */
  adminControl(body: unknown): Promise<WireAnswer> {
    return this.forward('/admin/control', { method: 'POST', body, timeoutMs: AGENT_TIMEOUTS.admin }, (error) => ({ success: false, error }), ADMIN_WORDS);
  }

  /** V1 `GET /agent/state`: the agent's status snapshot. */
  state(): Promise<WireAnswer> {
    return this.forward('/agent/state', { timeoutMs: AGENT_TIMEOUTS.state }, (error) => ({ success: false, error }));
  }

  /** V1 `POST /agent/command` (8 s); the agent's own 4xx answers (unknown command …) pass through. */
  async command(body: unknown): Promise<WireAnswer> {
    return this.passClientErrors(await this.call('/agent/command', { method: 'POST', body, timeoutMs: AGENT_TIMEOUTS.command }));
  }

  /** V1 `POST /tasks/{id}/cancel`; 404 for an unknown task passes through. */
  async cancelTask(id: string): Promise<WireAnswer> {
    const path = taskPath(id, '/cancel');
    if (path === undefined) return answer({ success: false, error: PROXY_WORDS.status(404) }, 502);
    return this.passClientErrors(await this.call(path, { method: 'POST', body: {}, timeoutMs: AGENT_TIMEOUTS.task }));
  }

  private passClientErrors(o: Outcome): WireAnswer {
    if ('error' in o) return answer({ success: false, error: PROXY_WORDS.unreachable(o.error) }, 502);
    if (o.res.ok) return answer(o.json);
    if (o.res.status >= 400 && o.res.status < 500 && o.json !== undefined) return answer(o.json, o.res.status);
    return answer({ success: false, error: PROXY_WORDS.status(o.res.status) }, 502);
  }

  /** V0 `GET /capabilities` (MCP tools). */
  capabilities(): Promise<WireAnswer> {
    return this.forward('/capabilities', { timeoutMs: AGENT_TIMEOUTS.slow }, (error) => ({ success: false, capabilities: {}, error }));
  }

  /** V1 `POST /notify_config_changed` (after API settings were saved: rebuild adapters). */
  notifyConfigChanged(): Promise<WireAnswer> {
    return this.forward('/notify_config_changed', { method: 'POST', body: {}, timeoutMs: AGENT_TIMEOUTS.slow }, (error) => ({ success: false, error }));
  }
}
