import { within } from '../../shared/async/within.util';
import type { AgentChannel } from '../adapters/agent-channel.port';
import { AgentReason } from '../tasks/agent-status.snapshot';
import type { AgentCapabilitiesService, ReadinessProbe } from './agent-capabilities.service';
import type { AgentFlagKey, AgentFlagsService } from './agent-flags.service';
import { channelOfFlag, GATED_FLAGS, notificationCode, UNBUILT_FLAGS } from './agent-status.codes';

/** A flag change in progress: applies its check's result only while the flag's generation is still `gen`. */
type Claim = { key: AgentFlagKey; channel: AgentChannel; gen: number };

/** What the switch needs from AgentStatusService: the notification and "state changed, tell main". */
export interface FlagSwitchHost {
  setNotification(code: string, details: Record<string, unknown>): void;
  changed(lanlan: string | null): void;
}

/**
 * The flag part of POST /agent/flags (spec §8.5), without a lock: `decide` makes every immediate change
 * synchronously (off, refusals, the gate) and claims the flags to enable; `enable` checks a claimed flag
 * and applies the result only if nothing set the flag since (generation), re-checking the gate right
 * before a gated flag goes on.
 */
export class AgentFlagSwitch {
  constructor(
    private readonly flags: AgentFlagsService,
    private readonly caps: AgentCapabilitiesService,
    private readonly host: FlagSwitchHost,
  ) {}

  /** Synchronous part: switches off, refusals, and the claims of the flags to check. */
  decide(patch: Partial<Record<AgentFlagKey, unknown>>, wanted: readonly AgentFlagKey[]): Claim[] {
    const gate = this.caps.gate;
    const blocked = !gate.ready && GATED_FLAGS.some((k) => patch[k] === true);
    if (blocked) {
      this.flags.set(Object.fromEntries(GATED_FLAGS.map((k) => [k, false])));
      this.host.setNotification(gate.reasons[0] ?? AgentReason.NotInitialized, { reasons: [...gate.reasons] });
    }
    const claims: Claim[] = [];
    for (const key of wanted) {
      if (blocked && GATED_FLAGS.includes(key)) continue;
      if (patch[key] === false) {
        this.flags.set({ [key]: false });
        continue;
      }
      const unbuilt = UNBUILT_FLAGS[key];
      const channel = channelOfFlag(key);
      if (unbuilt !== undefined) {
        this.flags.set({ [key]: false });
        this.host.setNotification(unbuilt, { flag: key, reason: 'this channel is not part of N.E.K.O.-TS' });
      } else if (!channel || !this.caps.adapter(channel)) {
        this.flags.set({ [key]: false });
        if (channel) this.host.setNotification(notificationCode(channel, 'UNAVAILABLE'), { reason: AgentReason.NotInitialized });
      } else {
        claims.push({ key, channel, gen: this.flags.claim(key) });
      }
    }
    return claims;
  }

  /** Checks one claimed flag: an answer within the budget decides now; a slow one turns it on as "checking". */
  async enable(claim: Claim, lanlan: string | null): Promise<void> {
    const check = this.caps.probe(claim.channel);
    const early = await within<ReadinessProbe | undefined>(check, this.caps.options.checkBudgetMs, undefined);
    if (early) {
      this.apply(claim, early);
      return;
    }
    // Slow check (e.g. an MCP server starting): on now, switched off later if it fails (V1 "checking").
    if (this.set(claim, true)) this.host.setNotification(notificationCode(claim.channel, 'ENABLED_CHECKING'), {});
    void check.then((probe) => {
      this.apply(claim, probe);
      this.host.changed(lanlan);
    });
  }

  /** A claimed flag's check result: stored if newest; the flag follows it only while the claim is current. */
  private apply(claim: Claim, probe: ReadinessProbe): void {
    this.caps.acceptProbe(probe);
    if (this.flags.generation(claim.key) !== claim.gen) return;
    if (probe.readiness.ready) {
      this.set(claim, true);
      return;
    }
    this.set(claim, false);
    this.host.setNotification(notificationCode(claim.channel, 'UNAVAILABLE'), { reason: probe.readiness.reason });
  }

  /** Sets a claimed flag if the claim is current and (gated flags) the gate is open right now. */
  private set(claim: Claim, value: boolean): boolean {
    if (this.flags.generation(claim.key) !== claim.gen) return false;
    if (value && GATED_FLAGS.includes(claim.key) && !this.caps.gate.ready) return false;
    this.flags.set({ [claim.key]: value });
    claim.gen = this.flags.generation(claim.key);
    return true;
  }
}
