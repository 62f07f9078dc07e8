/**
 * The master switch (#agent-master: the agent's analyzer) and one card per channel with its
 * switch and, in plain words, whether it can run and what to do when it cannot. The agent's
 * answers are the truth: a channel it refused to switch on is shown off, with the reason.
 */
import { $, $$, latestRequest, must } from '../../core/dom';
import { t } from '../../core/i18n';
import { showError, toast } from '../../core/toast';
import { reasonText } from './agent-reason.text';
import { CHANNEL_FLAG, CHANNELS, checkState, readState, setChannel, setMaster, type AgentSnapshot, type Channel } from './agent.api';

export class AgentSwitches {
  private snapshot: AgentSnapshot | undefined;
  /** MCP tools the agent lists (told by the server editor). */
  private tools: number | undefined;
  private busy = false;
  /** The 15 s read and a re-check after a change can overlap: only the newest answer renders. */
  private readonly latest = latestRequest();
  private readonly master = must<HTMLInputElement>('#agent-master');
  private readonly offline = must('#agent-offline');
  private readonly gate = must('#agent-gate');

  constructor(
    private readonly lanlanName: string,
    private readonly onChange: () => void,
  ) {
    this.master.addEventListener('change', () => void this.change(() => setMaster(this.master.checked, lanlanName), this.master.checked ? 'agent.turnedOn' : 'agent.turnedOff'));
    for (const channel of CHANNELS) {
      const box = this.box(channel);
      box.addEventListener('change', () => void this.changeChannel(channel, box.checked));
    }
  }

  /** Reads the agent's state; `recheck` has it check every channel first (on load, after a change). */
  async refresh(recheck = false): Promise<void> {
    if (this.busy) return;
    const fresh = this.latest();
    try {
      const snapshot = recheck ? await checkState(this.lanlanName) : await readState();
      if (this.busy || !fresh()) return;
      this.snapshot = snapshot;
    } catch {
      if (this.busy || !fresh()) return;
      this.snapshot = undefined;
    }
    this.render();
  }

  /** The number of MCP tools the agent offers now (undefined: unknown). */
  setToolCount(count: number | undefined): void {
    this.tools = count;
    this.render();
  }

  /** Re-renders the words (the language changed). */
  render(): void {
    const s = this.snapshot;
    this.offline.hidden = s !== undefined;
    this.master.disabled = s === undefined || this.busy;
    this.master.checked = s?.analyzer_enabled === true;
    this.gate.hidden = s === undefined || s.gate?.ready !== false;
    for (const channel of CHANNELS) this.renderChannel(channel, s);
  }

  private box(channel: Channel): HTMLInputElement {
    return must<HTMLInputElement>(`.agent-channel[data-channel=${channel}] input[type=checkbox]`);
  }

  private renderChannel(channel: Channel, s: AgentSnapshot | undefined): void {
    const card = must(`.agent-channel[data-channel=${channel}]`);
    const box = this.box(channel);
    const on = s?.flags?.[CHANNEL_FLAG[channel]] === true;
    box.checked = on;
    box.disabled = s === undefined || s.analyzer_enabled !== true || this.busy;
    const cap = s?.capabilities?.[channel];
    const ready = cap?.ready === true;
    const code = cap?.reason;
    const reason = must('.agent-reason', card);
    const state = $('.agent-state', card);
    card.dataset.ready = String(ready);
    card.dataset.on = String(on);
    if (s === undefined) {
      reason.textContent = '';
      if (state) state.textContent = '';
      return;
    }
    const count = this.tools;
    if (state) {
      state.textContent = ready ? (channel === 'mcp' && count ? t('agent.readyTools', { count }) : t('agent.ready')) : code === 'AGENT_PRECHECK_PENDING' ? t('agent.state.checking') : t('common.unavailable');
      state.className = `badge agent-state ${ready ? 'ok' : code === 'AGENT_PRECHECK_PENDING' ? '' : 'warn'}`;
    }
    reason.textContent = ready ? '' : reasonText(code);
    reason.hidden = ready;
  }

  private async changeChannel(channel: Channel, wanted: boolean): Promise<void> {
    const snapshot = await this.change(() => setChannel(channel, wanted, this.lanlanName));
    if (snapshot && wanted && snapshot.flags?.[CHANNEL_FLAG[channel]] !== true) {
      const code = this.snapshot?.capabilities?.[channel]?.reason ?? snapshot.capabilities?.[channel]?.reason;
      toast(t('agent.notReady', { channel: t(`agent.channel.${channel}`), reason: reasonText(code) }), 'warn', 9000);
    }
  }

  /** Runs one switch change; the switches stay disabled meanwhile, then show what the agent says. */
  private async change(run: () => Promise<AgentSnapshot>, done?: 'agent.turnedOn' | 'agent.turnedOff'): Promise<AgentSnapshot | undefined> {
    this.busy = true;
    for (const box of [this.master, ...$$<HTMLInputElement>('.agent-channel input[type=checkbox]')]) box.disabled = true;
    try {
      const snapshot = await run();
      this.snapshot = { ...this.snapshot, ...snapshot };
      if (done) toast(t(done), 'ok');
      return snapshot;
    } catch (err) {
      showError(t('agent.switchFailed'), err);
      return undefined;
    } finally {
      // The readiness after the change (a refused channel's reason is fresh for the message).
      this.busy = false;
      await this.refresh(true);
      this.onChange();
    }
  }
}
