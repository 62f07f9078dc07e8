import type { Observable } from 'rxjs';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { AgentChannel, AgentChannelAdapter, ChannelReadiness } from '../adapters/agent-channel.port';
import { AGENT_CHANNELS } from '../adapters/agent-channels.token';
import { AgentReason, GATED_CHANNELS, type AgentGate, type CapabilityChannel } from '../tasks/agent-status.snapshot';
import { readAgentGate, safeReadiness } from './agent-status.codes';
import { AGENT_STATUS_DEFAULTS, AGENT_STATUS_OPTIONS, type AgentStatusOptions } from './agent-status.types';

type Capability = { ready: boolean; reason: string };

/** A finished readiness check, to be accepted (or dropped as stale) by the caller. */
export interface ReadinessProbe {
  readonly channel: AgentChannel;
  readonly seq: number;
  readonly readiness: ChannelReadiness;
}

/** A finished read of the Agent API gate. */
export interface GateRead {
  readonly seq: number;
  readonly gate: AgentGate;
}

const GATED: ReadonlySet<string> = new Set(GATED_CHANNELS);

/**
 * The Agent API gate and the per-channel readiness, as last checked. Checks run without any lock and
 * may finish out of order: each carries a sequence number and is stored only when no later-started
 * check has been stored already. Storing is synchronous, so the caller applies a result and its
 * consequences for the flags in one step (AgentStatusService).
 */
@Injectable()
export class AgentCapabilitiesService {
  private readonly logger = new Logger('AgentCapabilities');
  readonly options: AgentStatusOptions;
  private readonly state: Partial<Record<CapabilityChannel, Capability>> = {
    user_plugin: { ready: false, reason: AgentReason.PluginServerError },
    openfang: { ready: false, reason: AgentReason.OpenfangDaemonUnreachable },
  };
  private current: AgentGate = { ready: false, reasons: [AgentReason.PrecheckPending], is_free_version: false };
  private gateStarted = 0;
  private gateStored = 0;
  private readonly probeStarted = new Map<AgentChannel, number>();
  private readonly probeStored = new Map<AgentChannel, number>();

  constructor(
    @Inject(AGENT_CHANNELS) private readonly channels: readonly AgentChannelAdapter[],
    private readonly coreConfig: CoreConfigService,
    @Optional() @Inject(AGENT_STATUS_OPTIONS) options?: Partial<AgentStatusOptions>,
  ) {
    this.options = { ...AGENT_STATUS_DEFAULTS, ...(options ?? {}) };
  }

  get gate(): AgentGate {
    return this.current;
  }

  /** core_config.json changed (written by main's settings page or edited by hand). */
  get configChanges$(): Observable<unknown> {
    return this.coreConfig.changes$;
  }

  get capabilities(): Readonly<Partial<Record<CapabilityChannel, Capability>>> {
    return this.state;
  }

  get adapters(): readonly AgentChannelAdapter[] {
    return this.channels;
  }

  adapter(channel: AgentChannel): AgentChannelAdapter | undefined {
    return this.channels.find((a) => a.channel === channel);
  }

  /** Last check said ready and, for the agent-tier channels, the gate is open. */
  isReady(channel: AgentChannel): boolean {
    return this.state[channel]?.ready === true && (!GATED.has(channel) || this.current.ready);
  }

  /** Reads core_config for the gate (async, unlocked); store the answer with `acceptGate`. */
  async readGate(): Promise<GateRead> {
    const seq = ++this.gateStarted;
    return { seq, gate: await readAgentGate(this.coreConfig, (msg) => this.logger.warn(msg)) };
  }

  /** Stores a gate read unless a later one was stored; true when stored. */
  acceptGate(read: GateRead): boolean {
    if (read.seq < this.gateStored) return false;
    this.gateStored = read.seq;
    this.current = read.gate;
    return true;
  }

  /** Runs one readiness check (bounded, never throwing); `check` replaces the adapter's own readiness(). */
  async probe(channel: AgentChannel, check?: () => Promise<ChannelReadiness>): Promise<ReadinessProbe> {
    const seq = (this.probeStarted.get(channel) ?? 0) + 1;
    this.probeStarted.set(channel, seq);
    const adapter = this.adapter(channel);
    const run = check ?? (adapter ? () => adapter.readiness() : () => Promise.resolve({ ready: false, reason: AgentReason.NotInitialized }));
    return { channel, seq, readiness: await safeReadiness(run, this.options.readinessTimeoutMs) };
  }

  /** The readiness as last stored (without the gate); a channel never checked yet is pending. */
  stored(channel: AgentChannel): ChannelReadiness {
    const c = this.state[channel];
    if (!c) return { ready: false, reason: AgentReason.PrecheckPending };
    return c.ready ? { ready: true, reason: '' } : { ready: false, reason: c.reason || AgentReason.NotInitialized };
  }

  /** Stores a readiness unless a later-started check was stored already; true when stored. */
  acceptProbe(p: ReadinessProbe): boolean {
    if (p.seq < (this.probeStored.get(p.channel) ?? 0)) return false;
    this.probeStored.set(p.channel, p.seq);
    this.state[p.channel] = { ready: p.readiness.ready, reason: p.readiness.ready ? '' : p.readiness.reason };
    return true;
  }
}
