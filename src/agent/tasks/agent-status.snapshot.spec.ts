import { AgentReason, agentApiGate, buildAgentStatusSnapshot, type SnapshotInputs } from './agent-status.snapshot';
import { TaskRegistryService } from './task-registry.service';

const flags = { computer_use_enabled: true, browser_use_enabled: true, user_plugin_enabled: false, openfang_enabled: false, mcp_enabled: false };
const now = new Date('2026-12-01T11:00:00.000Z');

function inputs(overrides: Partial<SnapshotInputs> = {}): SnapshotInputs {
  return {
    revision: 7,
    analyzerEnabled: true,
    flags,
    gate: agentApiGate({ model: 'qwen-vl', url: 'http://llm', key: 'k' }),
    capabilities: { computer_use: { ready: false, reason: AgentReason.LlmUnreachable }, browser_use: { ready: true, reason: 'ignored' } },
    activeTasks: [],
    now,
    ...overrides,
  };
}

describe('agent status snapshot', () => {
  it('has the §8.4 shape and reports unchecked channels as pending', () => {
    const registry = new TaskRegistryService(() => now);
    const task = registry.create({ type: 'browser_use', params: { instruction: 'x' }, lanlan_name: '小天' });
    const snap = buildAgentStatusSnapshot(inputs({ activeTasks: registry.activeTasks(), notification: { code: 'AGENT_CU_ENABLED_CHECKING' } }));
    expect(Object.keys(snap)).toEqual(['revision', 'server_online', 'analyzer_enabled', 'flags', 'gate', 'capabilities', 'active_tasks', 'notification', 'updated_at']);
    expect(snap).toMatchObject({ revision: 7, server_online: true, analyzer_enabled: true, flags, updated_at: '2026-12-01T11:00:00.000000Z' });
    expect(snap.gate).toEqual({ ready: true, reasons: [], is_free_version: false });
    expect(snap.capabilities).toEqual({
      computer_use: { ready: false, reason: 'AGENT_LLM_UNREACHABLE' },
      browser_use: { ready: true, reason: '' },
      user_plugin: { ready: false, reason: 'AGENT_PRECHECK_PENDING' },
      openfang: { ready: false, reason: 'AGENT_PRECHECK_PENDING' },
      mcp: { ready: false, reason: 'AGENT_PRECHECK_PENDING' },
    });
    expect(snap.active_tasks).toEqual([{ id: task.id, status: 'queued', type: 'browser_use', start_time: '2026-12-01T11:00:00.000000Z', params: { instruction: 'x' }, session_id: null, lanlan_name: '小天' }]);
    expect(JSON.parse(snap.notification ?? 'null')).toEqual({ code: 'AGENT_CU_ENABLED_CHECKING' });
  });

  it('closes the gate on missing agent-tier settings and marks the agent-tier channels with its reason', () => {
    const gate = agentApiGate({ model: 'm', url: ' ', key: null });
    expect(gate).toEqual({ ready: false, reasons: ['AGENT_URL_NOT_CONFIGURED', 'AGENT_KEY_NOT_CONFIGURED'], is_free_version: false });
    expect(agentApiGate(undefined, true).reasons).toEqual(['AGENT_MODEL_NOT_CONFIGURED', 'AGENT_URL_NOT_CONFIGURED', 'AGENT_KEY_NOT_CONFIGURED']);
    const snap = buildAgentStatusSnapshot(inputs({ gate, capabilities: { browser_use: { ready: true }, mcp: { ready: true } } }));
    expect(snap.capabilities.computer_use).toEqual({ ready: false, reason: 'AGENT_URL_NOT_CONFIGURED' });
    expect(snap.capabilities.browser_use).toEqual({ ready: false, reason: 'AGENT_URL_NOT_CONFIGURED' });
    expect(snap.capabilities.mcp).toEqual({ ready: true, reason: '' });
  });

  it('never passes unknown reason codes or bad revisions through', () => {
    const snap = buildAgentStatusSnapshot(inputs({ revision: -3, capabilities: { user_plugin: { ready: false, reason: 'whatever' } }, notification: null }));
    expect(snap.revision).toBe(0);
    expect(snap.capabilities.user_plugin).toEqual({ ready: false, reason: 'AGENT_NOT_INITIALIZED' });
    expect(snap.notification).toBeNull();
  });

  it('does not share the input flags object', () => {
    const own = { ...flags };
    const snap = buildAgentStatusSnapshot(inputs({ flags: own }));
    own.browser_use_enabled = false;
    expect(snap.flags.browser_use_enabled).toBe(true);
  });
});
