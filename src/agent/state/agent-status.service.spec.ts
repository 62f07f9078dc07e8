import { mkdirSync, writeFileSync } from 'node:fs';
import { Pull } from 'zeromq';
import { testBootContext } from '../../../test/support/boot-context';
import { waitFor } from '../../../test/support/free-port';
import type { BootContext } from '../../shared/config/config.tokens';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { zmqEndpoint } from '../../shared/config/env.schema';
import type { AgentChannel, AgentChannelAdapter, ChannelReadiness, ChannelResult } from '../adapters/agent-channel.port';
import { AgentResultsClient } from '../bridge/agent-results.client';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { AgentCapabilitiesService } from './agent-capabilities.service';
import { AgentFlagsService } from './agent-flags.service';
import { AgentStatusService } from './agent-status.service';

/** A channel whose readiness the test sets (a port implementation, not a mock of our code). */
class ScriptedChannel implements AgentChannelAdapter {
  state: ChannelReadiness = { ready: true, reason: '' };
  delayMs = 0;
  calls = 0;
  /** readiness() calls that have answered. */
  answered = 0;
  private held: Promise<void> | undefined;
  constructor(readonly channel: AgentChannel) {}
  /** The next readiness() call answers only once the returned function is called (a slow check the test ends). */
  holdNext(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((r) => (release = r));
    return release;
  }
  async readiness(): Promise<ChannelReadiness> {
    this.calls += 1;
    const state = this.state;
    const held = this.held;
    this.held = undefined;
    if (held) await held;
    else if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    this.answered += 1;
    return state;
  }
  describe() {
    return Promise.resolve({ channel: this.channel, actions: [], problems: [] });
  }
  execute(): Promise<ChannelResult> {
    return Promise.resolve({ success: true, summary: 'ok', detail: '' });
  }
}

const AGENT_TIER = { enableCustomApi: true, agentModelId: 'vision-x', agentModelUrl: 'http://127.0.0.1:9/v1', agentModelApiKey: 'sk-test' };

describe('AgentStatusService', () => {
  let ctx: BootContext;
  let pull: Pull;
  let results: AgentResultsClient;
  let flags: AgentFlagsService;
  let registry: TaskRegistryService;
  let mcp: ScriptedChannel;
  let cu: ScriptedChannel;
  let status: AgentStatusService;

  const writeCore = (core: Record<string, unknown>) => {
    mkdirSync(ctx.dataFolder.configDir, { recursive: true });
    writeFileSync(ctx.dataFolder.configFile('core_config.json'), JSON.stringify(core));
  };
  /** Waits until `channel` has answered `n` checks and what follows from the answers has been applied. */
  const landed = async (channel: ScriptedChannel, n: number) => {
    await waitFor(() => channel.answered === n, `${channel.channel} check ${n}`);
    await new Promise((r) => setImmediate(r));
  };
  /** The next agent_status_update main would receive. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- snapshots are asserted field by field
  const nextUpdate = async (): Promise<{ lanlan_name: string | null; snapshot: Record<string, any> }> => {
    for (;;) {
      const [frame] = await pull.receive();
      const event = JSON.parse(frame.toString()) as { event_type: string; lanlan_name: string | null; snapshot: Record<string, unknown> };
      if (event.event_type === 'agent_status_update') return event;
    }
  };

  beforeEach(async () => {
    ctx = await testBootContext('agent');
    pull = new Pull({ linger: 0 });
    await pull.bind(zmqEndpoint(ctx.env.ports.zmqAgentPush));
    results = new AgentResultsClient(ctx.env);
    await results.onModuleInit();
    flags = new AgentFlagsService();
    registry = new TaskRegistryService();
    mcp = new ScriptedChannel('mcp');
    cu = new ScriptedChannel('computer_use');
    const caps = new AgentCapabilitiesService([mcp, cu], new CoreConfigService(ctx.dataFolder), { checkBudgetMs: 200, endAllWaitMs: 500, availabilityWaitMs: 100 });
    status = new AgentStatusService(flags, registry, caps, results);
  });
  afterEach(async () => {
    status.onModuleDestroy();
    await results.onModuleDestroy();
    pull.close();
  });

  it('starts with everything off and the gate closed by the missing agent-tier key', async () => {
    await status.onModuleInit();
    const snap = status.snapshot();
    expect(snap.analyzer_enabled).toBe(false);
    expect(snap.flags).toEqual({ mcp_enabled: false, computer_use_enabled: false, browser_use_enabled: false, user_plugin_enabled: false, openfang_enabled: false });
    expect(snap.gate.ready).toBe(false);
    expect(snap.gate.reasons).toContain('AGENT_KEY_NOT_CONFIGURED');
    expect(snap.capabilities.mcp).toEqual({ ready: false, reason: 'AGENT_PRECHECK_PENDING' });
    expect(snap.capabilities.user_plugin).toEqual({ ready: false, reason: 'AGENT_PLUGIN_SERVER_ERROR' });
    expect(snap.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('keeps gated flags off while the gate is closed and says why once', async () => {
    await status.onModuleInit();
    const before = status.revision;
    expect(await status.setFlags({ computer_use_enabled: true, mcp_enabled: true }, '小天')).toMatchObject({ computer_use_enabled: false, mcp_enabled: true });
    expect(status.revision).toBeGreaterThan(before);
    const update = await nextUpdate();
    expect(update.lanlan_name).toBe('小天');
    expect(update.snapshot.flags).toMatchObject({ computer_use_enabled: false, mcp_enabled: true });
    expect(JSON.parse(status.takeNotification() ?? 'null')).toMatchObject({ code: 'AGENT_KEY_NOT_CONFIGURED' });
    expect(status.takeNotification()).toBeNull();
    expect(cu.calls).toBe(0);
  });

  it('checks each flag against its adapter: unready stays off with the reason, unbuilt channels never turn on', async () => {
    writeCore(AGENT_TIER);
    await status.onModuleInit();
    expect(status.agentApiGate()).toEqual({ ready: true, reasons: [], is_free_version: false });
    mcp.state = { ready: false, reason: 'AGENT_MCP_UNREACHABLE' };
    expect(await status.setFlags({ mcp_enabled: true, computer_use_enabled: true, junk: true } as never)).toMatchObject({ mcp_enabled: false, computer_use_enabled: true });
    expect(JSON.parse(status.takeNotification() ?? '')).toEqual({ code: 'AGENT_MCP_UNAVAILABLE', details: { reason: 'AGENT_MCP_UNREACHABLE' } });
    expect(await status.setFlags({ user_plugin_enabled: true })).toMatchObject({ user_plugin_enabled: false });
    expect(JSON.parse(status.takeNotification() ?? '')).toMatchObject({ code: 'AGENT_PLUGIN_SERVER_ERROR' });
    expect(await status.setFlags({ openfang_enabled: true, computer_use_enabled: 'yes' })).toMatchObject({ openfang_enabled: false, computer_use_enabled: true });
    expect(JSON.parse(status.takeNotification() ?? '')).toMatchObject({ code: 'AGENT_OPENFANG_DAEMON_UNREACHABLE' });
  });

  it('turns a slowly checked flag on as "checking" and off again when the check fails', async () => {
    await status.onModuleInit();
    mcp.delayMs = 600;
    mcp.state = { ready: false, reason: 'AGENT_ENDPOINT_NOT_CONFIGURED' };
    expect(await status.setFlags({ mcp_enabled: true })).toMatchObject({ mcp_enabled: true });
    expect(JSON.parse(status.takeNotification() ?? '')).toMatchObject({ code: 'AGENT_MCP_ENABLED_CHECKING' });
    expect((await nextUpdate()).snapshot.flags.mcp_enabled).toBe(true); // the answer to setFlags
    expect((await nextUpdate()).snapshot).toMatchObject({ flags: { mcp_enabled: true }, notification: null }); // read
    const later = await nextUpdate();
    expect(later.snapshot.flags.mcp_enabled).toBe(false);
    expect(JSON.parse(later.snapshot.notification as string)).toEqual({ code: 'AGENT_MCP_UNAVAILABLE', details: { reason: 'AGENT_ENDPOINT_NOT_CONFIGURED' } });
  });

  it('is usable only with analyzer, flag and readiness; a channel that goes away loses its flag', async () => {
    writeCore(AGENT_TIER);
    await status.onModuleInit();
    await status.setFlags({ mcp_enabled: true });
    expect(status.isChannelUsable('mcp')).toBe(false);
    await status.setAnalyzerEnabled(true, { mode: 'x' });
    expect(flags.profile).toEqual({ mode: 'x' });
    expect(status.isChannelUsable('mcp')).toBe(true);
    expect(status.isChannelUsable('computer_use')).toBe(false);

    mcp.state = { ready: false, reason: 'AGENT_MCP_UNREACHABLE' };
    await status.refreshCapabilities();
    expect(flags.get().mcp_enabled).toBe(false);
    expect(status.isChannelUsable('mcp')).toBe(false);
    expect(status.snapshot().capabilities.mcp).toMatchObject({ ready: false });
    expect(JSON.parse(status.takeNotification() ?? '')).toEqual({ code: 'AGENT_MCP_DISCONNECTED', details: { reason: 'AGENT_MCP_UNREACHABLE' } });
  });

  it('disabling the analyzer clears the flags at once and waits for the end-all hooks within one budget, without blocking flag changes', async () => {
    await status.onModuleInit();
    let ended = 0;
    const off = status.onEndAll(() => {
      ended += 1;
    });
    status.onEndAll(() => {
      throw new Error('a failing hook does not stop the others');
    });
    // A task that ignores its cancellation: the wait ends with the budget (endAllWaitMs).
    const stuck = status.onEndAll(() => new Promise<void>(() => undefined));
    await status.setAnalyzerEnabled(true);
    await status.setFlags({ mcp_enabled: true });
    const disabling = status.setAnalyzerEnabled(false);
    expect(flags.get().mcp_enabled).toBe(false);
    expect(flags.analyzerEnabled).toBe(false);
    expect(ended).toBe(1);
    // A flag change during the wait answers first: it does not queue behind end_all.
    const first = await Promise.race([status.setFlags({ mcp_enabled: true }).then(() => 'flags'), disabling.then(() => 'analyzer')]);
    expect(first).toBe('flags');
    await disabling;
    expect(flags.profile).toEqual({});
    off();
    stuck();
    await status.endAll();
    expect(ended).toBe(1);
  });

  it('back-to-back toggles do not wait for each other and a stale slow check changes nothing', async () => {
    await status.onModuleInit();
    const releaseFirst = mcp.holdNext();
    const on = status.setFlags({ mcp_enabled: true });
    const offAgain = status.setFlags({ mcp_enabled: false });
    expect(await Promise.race([offAgain.then(() => 'off'), on.then(() => 'on')])).toBe('off');
    await on;
    releaseFirst();
    await landed(mcp, 1);
    // The late check was stored (the channel is ready) but did not turn the flag switched off since back on.
    expect(status.snapshot().capabilities.mcp).toEqual({ ready: true, reason: '' });
    expect(flags.get().mcp_enabled).toBe(false);

    // A slow failing check started before a re-enable that succeeded must not switch the flag off.
    mcp.state = { ready: false, reason: 'AGENT_MCP_UNREACHABLE' };
    const releaseFailing = mcp.holdNext();
    expect(await status.setFlags({ mcp_enabled: true })).toMatchObject({ mcp_enabled: true });
    mcp.state = { ready: true, reason: '' };
    expect(await status.setFlags({ mcp_enabled: true })).toMatchObject({ mcp_enabled: true });
    releaseFailing();
    await landed(mcp, 3);
    expect(flags.get().mcp_enabled).toBe(true);
    expect(status.snapshot().capabilities.mcp).toEqual({ ready: true, reason: '' });
  });

  it('never leaves a gated flag on after the gate closed during its check', async () => {
    writeCore(AGENT_TIER);
    await status.onModuleInit();
    const release = cu.holdNext();
    expect(await status.setFlags({ computer_use_enabled: true })).toMatchObject({ computer_use_enabled: true });
    writeCore({ enableCustomApi: true, agentModelId: 'vision-x', agentModelUrl: 'http://127.0.0.1:9/v1' });
    expect((await status.gateNow()).ready).toBe(false);
    expect(flags.get().computer_use_enabled).toBe(false);
    release();
    await landed(cu, 1);
    expect(cu.calls).toBe(1);
    expect(flags.get().computer_use_enabled).toBe(false);
  });

  it('an availability check answers from the stored state when slow; the late result is stored when it lands', async () => {
    await status.onModuleInit();
    const release = mcp.holdNext();
    expect(await status.checkChannelSoon('mcp')).toEqual({ readiness: { ready: false, reason: 'AGENT_PRECHECK_PENDING' }, fresh: false });
    release();
    await landed(mcp, 1);
    expect(status.snapshot().capabilities.mcp).toEqual({ ready: true, reason: '' });
    expect(await status.checkChannelSoon('mcp')).toEqual({ readiness: { ready: true, reason: '' }, fresh: true });
    mcp.state = { ready: false, reason: 'AGENT_MCP_UNREACHABLE' };
    const again = mcp.holdNext();
    expect(await status.checkChannelSoon('mcp')).toEqual({ readiness: { ready: true, reason: '' }, fresh: false });
    again();
    await landed(mcp, 3);
    expect(status.snapshot().capabilities.mcp).toEqual({ ready: false, reason: 'AGENT_MCP_UNREACHABLE' });
  });

  it('reading the notification clears it as a published change', async () => {
    await status.onModuleInit();
    mcp.state = { ready: false, reason: 'AGENT_MCP_UNREACHABLE' };
    await status.setFlags({ mcp_enabled: true });
    expect((await nextUpdate()).snapshot.notification).not.toBeNull();
    const before = status.revision;
    expect(JSON.parse(status.takeNotification() ?? '')).toMatchObject({ code: 'AGENT_MCP_UNAVAILABLE' });
    expect(status.revision).toBe(before + 1);
    const update = await nextUpdate();
    expect(update.snapshot).toMatchObject({ revision: before + 1, notification: null });
    // Nothing left to clear: no change, no revision.
    expect(status.takeNotification()).toBeNull();
    expect(status.revision).toBe(before + 1);
  });

  it('a refresh asked for while one runs gets one more pass, shared by concurrent callers', async () => {
    await status.onModuleInit();
    mcp.delayMs = 300;
    const first = status.refreshCapabilities();
    mcp.state = { ready: false, reason: 'AGENT_MCP_CONFIG_INVALID' };
    const second = status.refreshCapabilities();
    const third = status.refreshCapabilities();
    await Promise.all([first, second, third]);
    expect(mcp.calls).toBe(2);
    expect(status.snapshot().capabilities.mcp).toEqual({ ready: false, reason: 'AGENT_MCP_CONFIG_INVALID' });
  });

  it('grows the revision once per change: task status changes yes, progress and no-op sets no', async () => {
    await status.onModuleInit();
    const before = status.revision;
    expect(await status.setFlags({ mcp_enabled: false, openfang_enabled: 'x' })).toMatchObject({ mcp_enabled: false });
    expect(status.takeNotification()).toBeNull();
    expect(status.revision).toBe(before);
    // setFlags always tells main (V1), with the unchanged revision.
    expect((await nextUpdate()).snapshot.revision).toBe(before);
    const task = registry.create({ type: 'mcp', params: { instruction: 'x' }, lanlan_name: 'Luna' });
    const update = await nextUpdate();
    expect(update.lanlan_name).toBe('Luna');
    expect(update.snapshot.active_tasks).toEqual([expect.objectContaining({ id: task.id, status: 'queued' })]);
    expect(update.snapshot.revision).toBe(before + 1);
    registry.start(task.id);
    registry.progress(task.id, { stage: 'action', message: 'click' });
    registry.complete(task.id);
    expect(status.revision).toBe(before + 3);
    expect((await nextUpdate()).snapshot.active_tasks[0].status).toBe('running');
    expect((await nextUpdate()).snapshot.active_tasks).toEqual([]);
  });
});
