import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { AgentToMain } from '../../shared/contracts/agent-bridge.contract';
import type { AgentChannel, AgentChannelAdapter, ChannelReadiness } from '../adapters/agent-channel.port';
import { AGENT_CHANNELS } from '../adapters/agent-channels.token';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { AgentReason, buildAgentStatusSnapshot, type AgentGate, type AgentStatusSnapshot, type CapabilityChannel } from '../tasks/agent-status.snapshot';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { TERMINAL_STATUSES, type TaskChange } from '../tasks/task-registry.types';
import { AGENT_FLAG_KEYS, AgentFlagsService, type AgentFlagKey, type AgentFlags } from './agent-flags.service';
import { CHANNEL_FLAG, GATED_FLAGS, notificationCode, readAgentGate, safeReadiness, UNBUILT_FLAGS, within } from './agent-status.codes';
import { AGENT_STATUS_DEFAULTS, AGENT_STATUS_OPTIONS, type AgentNotification, type AgentStatusOptions } from './agent-status.types';

type EndAllHook = () => Promise<void> | void;
type Capability = { ready: boolean; reason: string };
const warnOf = (logger: Logger, what: string) => (err: unknown): void => logger.warn(`${what}: ${String(err)}`);

/**
 * The agent's observable state (spec §8.4 `agent_status_update`): switches with their capability checks,
 * the Agent API gate, per-channel readiness, the read-once notification and a revision that grows on every
 * change. Flags of channels that become unready are switched off with a notification (V0 behaviour).
 */
@Injectable()
export class AgentStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentStatusService.name);
  private readonly warnRefresh = warnOf(this.logger, 'capability refresh failed');
  private readonly options: AgentStatusOptions;
  private readonly capabilities: Partial<Record<CapabilityChannel, Capability>> = {
    user_plugin: { ready: false, reason: AgentReason.PluginServerError },
    openfang: { ready: false, reason: AgentReason.OpenfangDaemonUnreachable },
  };
  private readonly endAllHooks = new Set<EndAllHook>();
  private readonly taskStatus = new Map<string, string>();
  private gate: AgentGate = { ready: false, reasons: [AgentReason.PrecheckPending], is_free_version: false };
  private notification: AgentNotification | null = null;
  private rev = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly flags: AgentFlagsService,
    private readonly registry: TaskRegistryService,
    @Inject(AGENT_CHANNELS) private readonly channels: readonly AgentChannelAdapter[],
    private readonly coreConfig: CoreConfigService,
    private readonly results: AgentResultsClient,
    @Optional() @Inject(AGENT_STATUS_OPTIONS) options?: Partial<AgentStatusOptions>,
  ) {
    this.options = { ...AGENT_STATUS_DEFAULTS, ...(options ?? {}) };
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.registry.onChange((change) => this.onTaskChange(change));
    await this.refreshGate();
  }

  onModuleDestroy(): void {
    this.stopTimer();
    this.unsubscribe?.();
  }

  get revision(): number {
    return this.rev;
  }

  /** The Agent API gate as last computed (refreshed on every flag change and capability refresh). */
  agentApiGate(): AgentGate {
    return this.gate;
  }

  /** Re-reads core_config for the gate now (availability endpoints); tells main when it changed. */
  async gateNow(): Promise<AgentGate> {
    if (await this.refreshGate()) this.publish(null);
    return this.gate;
  }

  snapshot(): AgentStatusSnapshot {
    return buildAgentStatusSnapshot({
      revision: this.rev,
      analyzerEnabled: this.flags.analyzerEnabled,
      flags: this.flags.get(),
      capabilities: this.capabilities,
      activeTasks: this.registry.activeTasks(),
      gate: this.gate,
      notification: this.notification,
      now: new Date(),
    });
  }

  /** Sends the snapshot to main (to that character's page, or to all when null). */
  publish(lanlan: string | null = null): void {
    const snapshot = { ...this.snapshot() };
    this.results.send({ event_type: AgentToMain.AgentStatusUpdate, lanlan_name: lanlan, snapshot });
  }

  /** Stores the one-shot notification and tells main. */
  notify(code: string, details: Record<string, unknown> = {}): void {
    this.setNotification(code, details);
    this.publish(null);
  }

  /** The notification as a JSON string, cleared by this read (GET /agent/flags). */
  takeNotification(): string | null {
    const n = this.notification;
    this.notification = null;
    return n ? JSON.stringify(n) : null;
  }

  adapter(channel: AgentChannel): AgentChannelAdapter | undefined {
    return this.channels.find((a) => a.channel === channel);
  }

  /** Flag on, analyzer on and the last readiness check said ready. */
  isChannelUsable(channel: AgentChannel): boolean {
    return this.flags.analyzerEnabled && this.flags.get()[CHANNEL_FLAG[channel]] && this.capabilities[channel]?.ready === true;
  }

  /** Registers what must run on end_all / analyzer off (the runner's endAll); returns the unregister function. */
  onEndAll(hook: EndAllHook): () => void {
    this.endAllHooks.add(hook);
    return () => this.endAllHooks.delete(hook);
  }

  /** Runs every end-all hook, waiting at most `endAllWaitMs`; failures are logged. */
  async endAll(): Promise<void> {
    const runs = [...this.endAllHooks].map((hook) => Promise.resolve().then(hook).catch(warnOf(this.logger, 'end_all hook failed')));
    await within(Promise.all(runs), this.options.endAllWaitMs, undefined);
  }

  /** Checks one channel now (availability endpoints); an unready channel loses its flag. */
  async checkChannel(channel: AgentChannel): Promise<ChannelReadiness | undefined> {
    const adapter = this.adapter(channel);
    if (!adapter) return undefined;
    const r = await safeReadiness(() => adapter.readiness(), this.options.readinessTimeoutMs);
    if (this.applyReadiness(channel, r)) this.publish(null);
    return r;
  }

  /** Re-reads the gate and every adapter's readiness; concurrent calls share one run. */
  refreshCapabilities(): Promise<void> {
    this.refreshing ??= this.runRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Applies the boolean entries of `patch` with the checks of spec §8.5; refusals go to the notification. */
  setFlags(patch: Partial<Record<AgentFlagKey, unknown>>, lanlan: string | null = null): Promise<AgentFlags> {
    return this.exclusive(async () => {
      const wanted = AGENT_FLAG_KEYS.filter((k) => typeof patch[k] === 'boolean');
      if (wanted.length === 0) return this.flags.get();
      await this.refreshGate();
      const blocked = new Set<AgentFlagKey>(!this.gate.ready && GATED_FLAGS.some((k) => patch[k] === true) ? GATED_FLAGS : []);
      if (blocked.size > 0) {
        this.flags.set(Object.fromEntries(GATED_FLAGS.map((k) => [k, false])));
        this.setNotification(this.gate.reasons[0] ?? AgentReason.NotInitialized, { reasons: [...this.gate.reasons] });
      }
      const enabling: AgentFlagKey[] = [];
      for (const key of wanted) {
        if (blocked.has(key)) continue;
        if (patch[key] === false) this.flags.set({ [key]: false });
        else enabling.push(key);
      }
      // In parallel: main waits only 0.7 s for this answer (spec §12.2).
      await Promise.all(enabling.map((key) => this.enable(key, lanlan)));
      this.bump();
      this.publish(lanlan);
      return this.flags.get();
    });
  }

  /** The master switch; off also clears every flag and ends all tasks (spec §7.2 disable_analyzer). */
  setAnalyzerEnabled(enabled: boolean, profile?: unknown): Promise<void> {
    return this.exclusive(async () => {
      this.flags.setAnalyzer(enabled, profile);
      if (enabled) {
        this.startTimer();
      } else {
        this.stopTimer();
        this.flags.clear();
        await this.endAll();
      }
      this.bump();
      this.publish(null);
      if (enabled) this.refreshCapabilities().catch(this.warnRefresh);
    });
  }

  private async enable(key: AgentFlagKey, lanlan: string | null): Promise<void> {
    const unbuilt = UNBUILT_FLAGS[key];
    if (unbuilt !== undefined) {
      this.flags.set({ [key]: false });
      this.setNotification(unbuilt, { flag: key, reason: 'this channel is not part of N.E.K.O.-TS' });
      return;
    }
    const channel = (Object.keys(CHANNEL_FLAG) as AgentChannel[]).find((c) => CHANNEL_FLAG[c] === key);
    const adapter = channel ? this.adapter(channel) : undefined;
    if (!channel || !adapter) {
      this.flags.set({ [key]: false });
      if (channel) this.setNotification(notificationCode(channel, 'UNAVAILABLE'), { reason: AgentReason.NotInitialized });
      return;
    }
    const check = safeReadiness(() => adapter.readiness(), this.options.readinessTimeoutMs);
    const early = await within<ChannelReadiness | undefined>(check, this.options.checkBudgetMs, undefined);
    if (early) {
      this.applyReadiness(channel, early, false);
      this.flags.set({ [key]: early.ready });
      if (!early.ready) this.setNotification(notificationCode(channel, 'UNAVAILABLE'), { reason: early.reason });
      return;
    }
    // Slow check (e.g. an MCP server starting): on now, switched off later if it fails (V1 "checking").
    this.flags.set({ [key]: true });
    this.setNotification(notificationCode(channel, 'ENABLED_CHECKING'), {});
    void check.then((r) => {
      const wasOn = this.flags.get()[key];
      const changed = this.applyReadiness(channel, r, false);
      if (!r.ready && wasOn) {
        this.flags.set({ [key]: false });
        this.setNotification(notificationCode(channel, 'UNAVAILABLE'), { reason: r.reason });
      }
      if (changed || (!r.ready && wasOn)) this.publish(lanlan);
    });
  }

  private async runRefresh(): Promise<void> {
    let changed = await this.refreshGate();
    const check = async (a: AgentChannelAdapter) => [a.channel, await safeReadiness(() => a.readiness(), this.options.readinessTimeoutMs)] as const;
    const checks = await Promise.all(this.channels.map(check));
    for (const [channel, r] of checks) if (this.applyReadiness(channel, r)) changed = true;
    if (changed) this.publish(null);
  }

  /** Recomputes the gate; a closed gate switches the agent-tier flags off. True when anything changed. */
  private async refreshGate(): Promise<boolean> {
    const gate = await readAgentGate(this.coreConfig, (msg) => this.logger.warn(msg));
    const changed = JSON.stringify(gate) !== JSON.stringify(this.gate);
    this.gate = gate;
    const on = GATED_FLAGS.filter((k) => this.flags.get()[k]);
    if (!gate.ready && on.length > 0) {
      this.flags.set(Object.fromEntries(on.map((k) => [k, false])));
      this.setNotification(gate.reasons[0] ?? AgentReason.NotInitialized, { reasons: [...gate.reasons], disabled: on });
    }
    if (changed) this.bump();
    return changed || (!gate.ready && on.length > 0);
  }

  /** Stores a readiness; with `autoOff`, a flag whose channel is not ready is switched off. True when state changed. */
  private applyReadiness(channel: AgentChannel, r: ChannelReadiness, autoOff = true): boolean {
    const before = this.capabilities[channel];
    const next = { ready: r.ready, reason: r.ready ? '' : r.reason };
    let changed = before?.ready !== next.ready || before?.reason !== next.reason;
    this.capabilities[channel] = next;
    const key = CHANNEL_FLAG[channel];
    if (autoOff && !r.ready && this.flags.get()[key]) {
      this.flags.set({ [key]: false });
      this.setNotification(notificationCode(channel, 'DISCONNECTED'), { reason: r.reason });
      this.logger.warn(`${channel} became unavailable (${r.reason}); ${key} switched off`);
      changed = true;
    }
    if (changed) this.bump();
    return changed;
  }

  private onTaskChange(change: TaskChange): void {
    this.bump();
    const { id, status, lanlan_name: lanlan } = change.task;
    // Only status changes alter active_tasks; progress updates travel as task_update alone.
    if (this.taskStatus.get(id) === status) return;
    if (TERMINAL_STATUSES.includes(status)) this.taskStatus.delete(id);
    else this.taskStatus.set(id, status);
    this.publish(lanlan);
  }

  private setNotification(code: string, details: Record<string, unknown>): void {
    this.notification = { code, details };
    this.bump();
  }

  private bump(): void {
    this.rev += 1;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refreshCapabilities().catch(this.warnRefresh), this.options.refreshIntervalMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Flag and analyzer changes run one at a time, in call order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}
