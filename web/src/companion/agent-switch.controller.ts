/**
 * The agent switch (`#agent-toggle`): on turns on the agent (its analyzer) for this character and
 * its MCP tools (computer and browser control stay as the agent page set them: they act on the
 * user's machine, so they are never switched on from here). The agent's status snapshots
 * (GET /api/agent/state, `agent_status_update`) keep the switch and its readiness line honest.
 */
import { api } from '../core/api';
import { errorMessage } from '../core/dom';
import { t } from '../core/i18n';
import { toast } from '../core/toast';
import { reasonText } from '../manage/agent/agent-reason.text';

interface Capability {
  readonly ready?: boolean;
  readonly reason?: string;
}

export interface AgentSnapshot {
  readonly analyzer_enabled?: boolean;
  readonly flags?: Record<string, boolean>;
  readonly gate?: { readonly ready?: boolean; readonly reasons?: readonly string[] };
  readonly capabilities?: Record<string, Capability>;
}

const CHANNEL_FLAGS = { mcp: 'mcp_enabled', computer_use: 'computer_use_enabled', browser_use: 'browser_use_enabled' } as const;

export class AgentSwitch {
  private busy = false;
  /** What the line shows, to say it again in another language. */
  private last: AgentSnapshot | 'offline' | undefined;

  constructor(
    private readonly toggle: HTMLInputElement,
    private readonly note: HTMLElement,
    private name: () => string,
  ) {
    toggle.addEventListener('change', () => void this.set(toggle.checked));
  }

  /** Reads the agent's state; the switch is disabled while the agent server is not running. Answers whether it runs. */
  async refresh(): Promise<boolean> {
    try {
      const body = await api.get<{ snapshot?: AgentSnapshot }>('/api/agent/state', { timeoutMs: 10_000 });
      this.toggle.disabled = false;
      this.show(body.snapshot ?? {});
      return true;
    } catch {
      this.toggle.checked = false;
      this.toggle.disabled = true;
      this.last = 'offline';
      this.say(t('companion.agent.offline'), 'warn');
      return false;
    }
  }

  /** Says the readiness line again after a language change. */
  retranslate(): void {
    if (this.last === 'offline') this.say(t('companion.agent.offline'), 'warn');
    else if (this.last) this.show(this.last);
  }

  /** An agent_status_update snapshot. */
  show(snapshot: AgentSnapshot): void {
    if (this.busy) return;
    this.last = snapshot;
    this.toggle.disabled = false;
    const on = snapshot.analyzer_enabled === true;
    this.toggle.checked = on;
    if (!on) {
      this.say('', 'info');
      return;
    }
    const channels = (Object.keys(CHANNEL_FLAGS) as (keyof typeof CHANNEL_FLAGS)[]).filter((c) => snapshot.flags?.[CHANNEL_FLAGS[c]] === true);
    if (channels.length > 0) {
      this.say(t('companion.agent.ready', { tools: channels.map((c) => t(`companion.agent.channel.${c}`)).join(t('companion.agent.listSep')) }), 'ok');
      return;
    }
    const mcp = snapshot.capabilities?.mcp;
    if (mcp?.reason === 'AGENT_PRECHECK_PENDING') this.say(t('companion.agent.checking'), 'info');
    else this.say(t('companion.agent.noTools', { reason: reasonText(mcp?.reason, 'elsewhere') }), 'warn');
  }

  private async set(on: boolean): Promise<void> {
    this.busy = true;
    this.toggle.disabled = true;
    this.say(t(on ? 'companion.agent.turningOn' : 'companion.agent.turningOff'), 'info');
    const lanlan_name = this.name();
    try {
      // The command route (8 s) rather than POST /api/agent/flags: that forward waits only 0.7 s,
      // less than the agent's readiness check of a channel takes.
      await api.post('/api/agent/command', { lanlan_name, command: 'set_agent_enabled', enabled: on }, { timeoutMs: 10_000 });
      if (on) await api.post('/api/agent/command', { lanlan_name, command: 'set_flag', key: 'mcp_enabled', value: true }, { timeoutMs: 10_000 });
    } catch (err) {
      toast(t(on ? 'companion.agent.onFailed' : 'companion.agent.offFailed', { error: errorMessage(err) }), 'error');
    } finally {
      this.busy = false;
    }
    await this.refresh();
  }

  private say(text: string, kind: 'info' | 'ok' | 'warn'): void {
    this.note.textContent = text;
    this.note.dataset.kind = kind;
    this.note.hidden = text === '';
  }
}
