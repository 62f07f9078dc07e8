import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { within } from '../../shared/async/within.util';
import { AgentToMain } from '../../shared/contracts/agent-bridge.contract';
import type { AgentChannel, AgentChannelAdapter, ChannelDescription, ChannelReadiness } from '../adapters/agent-channel.port';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { withinTime } from '../llm/abort.util';
import { AgentReason, buildAgentStatusSnapshot, type AgentGate, type AgentStatusSnapshot } from '../tasks/agent-status.snapshot';
import { TaskRegistryService } from '../tasks/task-registry.service';
import type { TaskChange } from '../tasks/task-registry.types';
import { AgentCapabilitiesService, type GateRead, type ReadinessProbe } from './agent-capabilities.service';
import { AGENT_FLAG_KEYS, AgentFlagsService, type AgentFlagKey, type AgentFlags } from './agent-flags.service';
import { CHANNEL_FLAG, GATED_FLAGS, notificationCode } from './agent-status.codes';
import type { AgentNotification } from './agent-status.types';
import { AgentFlagSwitch } from './agent-flag.switch';

type EndAllHook = () => Promise<void> | void;

/**
 * The agent's observable state (spec §8.4 `agent_status_update`): switches with their capability checks,
 * the Agent API gate and readiness (AgentCapabilitiesService), the read-once notification and a revision.
 * Concurrency: no lock. Every change of state is synchronous; checks (core_config, adapters) run in
 * between and their results are applied only if still current (flag generations, check sequence
 * numbers). So calls never queue behind each other, and a stale check never undoes a later change.
 * The revision grows by one for each applied step that changed what a snapshot shows (`commit`).
 */
@Injectable()
export class AgentStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentStatusService.name);
  private readonly warnRefresh = (err: unknown): void => this.logger.warn(`capability refresh failed: ${String(err)}`);
  private readonly endAllHooks = new Set<EndAllHook>();
  private notification: AgentNotification | null = null;
  private rev = 0;
  private fingerprint = '';
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain: Promise<void> | undefined;
  private readonly stops: (() => void)[] = [];
  /** setFlags calls so far and, per flag, the last call that decided it (calls take effect in call order). */
  private flagCalls = 0;
  private readonly flagDecidedBy = new Map<AgentFlagKey, number>();
  private readonly flagSwitch: AgentFlagSwitch;

  constructor(
    private readonly flags: AgentFlagsService,
    private readonly registry: TaskRegistryService,
    private readonly caps: AgentCapabilitiesService,
    private readonly results: AgentResultsClient,
  ) {
    this.fingerprint = this.stateKey();
    this.flagSwitch = new AgentFlagSwitch(flags, caps, {
      setNotification: (code, details) => this.setNotification(code, details),
      changed: (lanlan) => {
        if (this.commit()) this.publish(lanlan);
      },
    });
  }

  async onModuleInit(): Promise<void> {
    this.stops.push(this.registry.onChange((change) => this.onTaskChange(change)));
    // New keys or models apply without main's notify_config_changed: the channels are re-checked.
    const config = this.caps.configChanges$.subscribe(() => {
      if (this.flags.analyzerEnabled) this.refreshCapabilities().catch(this.warnRefresh);
    });
    this.stops.push(() => config.unsubscribe());
    this.applyGate(await this.caps.readGate());
    this.commit();
  }

  onModuleDestroy(): void {
    this.stopTimer();
    for (const stop of this.stops.splice(0)) stop();
  }

  get revision(): number {
    return this.rev;
  }

  /** The Agent API gate as last read (on every flag change, capability refresh and availability call). */
  agentApiGate(): AgentGate {
    return this.caps.gate;
  }

  /** Re-reads core_config for the gate now (availability endpoints); tells main when anything changed. */
  async gateNow(): Promise<AgentGate> {
    this.applyGate(await this.caps.readGate());
    if (this.commit()) this.publish(null);
    return this.caps.gate;
  }

  snapshot(): AgentStatusSnapshot {
    return buildAgentStatusSnapshot({
      revision: this.rev,
      analyzerEnabled: this.flags.analyzerEnabled,
      flags: this.flags.get(),
      capabilities: this.caps.capabilities,
      activeTasks: this.registry.activeTasks(),
      gate: this.caps.gate,
      notification: this.notification,
      now: new Date(),
    });
  }

  /** Sends the snapshot to main (to that character's page, or to all when null). */
  publish(lanlan: string | null = null): void {
    // The spread turns the typed snapshot into the event's plain record type.
    this.results.send({ event_type: AgentToMain.AgentStatusUpdate, lanlan_name: lanlan, snapshot: { ...this.snapshot() } });
  }

  /** The notification as a JSON string, cleared by this read (GET /agent/flags): a published change like any other. */
  takeNotification(): string | null {
    const n = this.notification;
    this.notification = null;
    if (this.commit()) this.publish(null);
    return n ? JSON.stringify(n) : null;
  }

  adapter(channel: AgentChannel): AgentChannelAdapter | undefined {
    return this.caps.adapter(channel);
  }

  /** Flag on, analyzer on and the last readiness check said ready (gate open for the agent-tier channels). */
  isChannelUsable(channel: AgentChannel): boolean {
    return this.flags.analyzerEnabled && this.flags.get()[CHANNEL_FLAG[channel]] && this.caps.isReady(channel);
  }

  /** One catalogue read of a channel, rejected after `timeoutMs` (callers answer main in time). */
  describe(channel: AgentChannel, timeoutMs = this.caps.options.readinessTimeoutMs): Promise<ChannelDescription> {
    const adapter = this.caps.adapter(channel);
    if (!adapter) return Promise.reject(new Error(`no ${channel} adapter`));
    return withinTime(adapter.describe(), Math.min(timeoutMs, this.caps.options.readinessTimeoutMs), `${channel} catalogue`);
  }

  /** Registers what must run on end_all / analyzer off (the runner's endAll); returns the unregister function. */
  onEndAll(hook: EndAllHook): () => void {
    this.endAllHooks.add(hook);
    return () => this.endAllHooks.delete(hook);
  }

  /**
   * Starts every end-all hook now (in call order with the state changes: they are synchronous) and waits
   * for them at most `endAllWaitMs`, the one budget of end_all and disable_analyzer; failures are logged.
   */
  async endAll(): Promise<void> {
    const runs = [...this.endAllHooks].map((hook) => {
      try {
        return Promise.resolve(hook()).catch((err: unknown) => this.logger.warn(`end_all hook failed: ${String(err)}`));
      } catch (err) {
        this.logger.warn(`end_all hook failed: ${String(err)}`);
        return Promise.resolve();
      }
    });
    await within(Promise.all(runs), this.caps.options.endAllWaitMs, undefined);
  }

  /**
   * Checks one channel now (availability endpoints); an unready channel loses its flag. `check` replaces
   * the adapter's readiness() (the MCP availability derives it from the one catalogue read it makes).
   */
  async checkChannel(channel: AgentChannel, check?: () => Promise<ChannelReadiness>): Promise<ChannelReadiness | undefined> {
    if (!this.caps.adapter(channel)) return undefined;
    const gen = this.flags.generation(CHANNEL_FLAG[channel]);
    const probe = await this.caps.probe(channel, check);
    this.applyRefresh(probe, gen);
    if (this.commit()) this.publish(null);
    return probe.readiness;
  }

  /**
   * checkChannel for availability answers, waiting at most `availabilityWaitMs`: a longer check goes on in the
   * background (stored and published when it lands) and the answer is the stored readiness (`fresh` false).
   */
  async checkChannelSoon(channel: AgentChannel, check?: () => Promise<ChannelReadiness>): Promise<{ readiness: ChannelReadiness; fresh: boolean } | undefined> {
    if (!this.caps.adapter(channel)) return undefined;
    const run = this.checkChannel(channel, check).then((readiness) => ({ readiness: readiness ?? this.caps.stored(channel), fresh: true }));
    const answer = await within(run, this.caps.options.availabilityWaitMs, undefined);
    if (answer) return answer;
    return { readiness: this.caps.stored(channel), fresh: false };
  }

  /**
   * Re-reads the gate and every adapter's readiness. A call made while a run is going waits for one
   * more run after it (config changed since the running one started); concurrent callers share it.
   */
  refreshCapabilities(): Promise<void> {
    if (!this.refreshing) return this.startRefresh();
    this.refreshAgain ??= this.refreshing.then(() => {
      this.refreshAgain = undefined;
      return this.startRefresh();
    });
    return this.refreshAgain;
  }

  /** Applies the boolean entries of `patch` with the checks of spec §8.5; refusals go to the notification. */
  async setFlags(patch: Partial<Record<AgentFlagKey, unknown>>, lanlan: string | null = null): Promise<AgentFlags> {
    const call = ++this.flagCalls;
    const asked = AGENT_FLAG_KEYS.filter((k) => typeof patch[k] === 'boolean');
    if (asked.length === 0) return this.flags.get();
    this.applyGate(await this.caps.readGate());
    // Gate reads may finish out of order: a flag a later call has decided already keeps that call's value.
    const wanted = asked.filter((k) => (this.flagDecidedBy.get(k) ?? 0) < call);
    for (const k of wanted) this.flagDecidedBy.set(k, call);
    const claims = this.flagSwitch.decide(patch, wanted);
    this.commit();
    // In parallel and unlocked: main waits only 0.7 s for this answer (spec §12.2).
    await Promise.all(claims.map((claim) => this.flagSwitch.enable(claim, lanlan)));
    this.commit();
    this.publish(lanlan);
    return this.flags.get();
  }

  /**
   * The master switch; off also clears every flag and ends all tasks (spec §7.2 disable_analyzer). The
   * state changes at once (in call order); only the end-all wait is asynchronous.
   */
  async setAnalyzerEnabled(enabled: boolean, profile?: unknown, lanlan: string | null = null): Promise<void> {
    this.flags.setAnalyzer(enabled, profile);
    if (!enabled) {
      this.stopTimer();
      this.flags.clear();
    }
    this.commit();
    this.publish(lanlan);
    if (enabled) {
      this.startTimer();
      this.refreshCapabilities().catch(this.warnRefresh);
    } else {
      await this.endAll();
    }
  }

  private startRefresh(): Promise<void> {
    const run = this.runRefresh().finally(() => {
      if (this.refreshing === run) this.refreshing = undefined;
    });
    this.refreshing = run;
    return run;
  }

  private async runRefresh(): Promise<void> {
    const gens = new Map(this.caps.adapters.map((a) => [a.channel, this.flags.generation(CHANNEL_FLAG[a.channel])]));
    const [gate, probes] = await Promise.all([this.caps.readGate(), Promise.all(this.caps.adapters.map((a) => this.caps.probe(a.channel)))]);
    this.applyGate(gate);
    for (const probe of probes) this.applyRefresh(probe, gens.get(probe.channel) ?? -1);
    if (this.commit()) this.publish(null);
  }

  /** A periodic/availability check: stored if newest; an unready channel loses its flag unless it was set since. */
  private applyRefresh(probe: ReadinessProbe, gen: number): void {
    if (!this.caps.acceptProbe(probe) || probe.readiness.ready) return;
    const key = CHANNEL_FLAG[probe.channel];
    if (!this.flags.get()[key] || this.flags.generation(key) !== gen) return;
    this.flags.set({ [key]: false });
    this.setNotification(notificationCode(probe.channel, 'DISCONNECTED'), { reason: probe.readiness.reason });
    this.logger.warn(`${probe.channel} became unavailable (${probe.readiness.reason}); ${key} switched off`);
  }

  /** Stores a gate read (if newest); a closed gate switches the agent-tier flags off at once. */
  private applyGate(read: GateRead): void {
    if (!this.caps.acceptGate(read) || read.gate.ready) return;
    const on = GATED_FLAGS.filter((k) => this.flags.get()[k]);
    if (on.length === 0) return;
    this.flags.set(Object.fromEntries(on.map((k) => [k, false])));
    this.setNotification(read.gate.reasons[0] ?? AgentReason.NotInitialized, { reasons: [...read.gate.reasons], disabled: on });
  }

  private onTaskChange(change: TaskChange): void {
    // Only status changes alter active_tasks; progress updates travel as task_update alone.
    if (this.commit()) this.publish(change.task.lanlan_name);
  }

  private setNotification(code: string, details: Record<string, unknown>): void {
    this.notification = { code, details };
  }

  /** What a snapshot shows, except its time: the revision grows when this changes. */
  private stateKey(): string {
    const tasks = this.registry.activeTasks().map((t) => `${t.id}:${t.status}`);
    return JSON.stringify([this.flags.analyzerEnabled, this.flags.get(), this.caps.gate, this.caps.capabilities, this.notification, tasks]);
  }

  /** Bumps the revision once if the state changed since the last commit; true then. */
  private commit(): boolean {
    const key = this.stateKey();
    if (key === this.fingerprint) return false;
    this.fingerprint = key;
    this.rev += 1;
    return true;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refreshCapabilities().catch(this.warnRefresh), this.caps.options.refreshIntervalMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
