import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeHealth } from '../../src/launcher/health.probe';
import { freePortEnv } from '../support/boot-context';
import { waitFor } from '../support/free-port';
import { BUNDLE, DIST } from '../support/launcher.harness';

jest.setTimeout(30_000);

/** Starts one compiled server alone, stops it, and returns every CommonJS module it loaded. */
async function loadedModules(name: 'main' | 'memory' | 'agent'): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'neko-trace-'));
  const env: Record<string, string> = { ...(await freePortEnv()), NEKO_DATA_DIR: join(dir, 'data'), NEKO_TRACE_MODULES_FILE: join(dir, 'modules.json'), NEKO_LOG_LEVEL: 'warn' };
  const port = Number(env[{ main: 'NEKO_MAIN_SERVER_PORT', memory: 'NEKO_MEMORY_SERVER_PORT', agent: 'NEKO_TOOL_SERVER_PORT' }[name]]);
  const proc = spawn(process.execPath, ['-r', join(__dirname, '..', 'support', 'trace-modules.cjs'), join(DIST, name, 'main.js')], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => proc.once('exit', r));
  await waitFor(() => probeHealth(port), `${name} /health`, 15_000);
  proc.kill('SIGTERM');
  await exited;
  return (JSON.parse(readFileSync(env.NEKO_TRACE_MODULES_FILE, 'utf8')) as string[]).map((p) => p.replaceAll('\\', '/'));
}

const ours = (modules: string[], app: string) => modules.filter((m) => m.includes(`/dist/src/${app}/`));

describe('each process loads only what it runs', () => {
  it('memory loads no main or agent code and no ZeroMQ', async () => {
    const modules = await loadedModules('memory');
    expect(ours(modules, 'memory').length).toBeGreaterThan(0);
    expect(ours(modules, 'main')).toEqual([]);
    expect(ours(modules, 'agent')).toEqual([]);
    expect(modules.filter((m) => m.includes('/node_modules/zeromq/'))).toEqual([]);
  });

  it('agent loads no main or memory code', async () => {
    const modules = await loadedModules('agent');
    expect(ours(modules, 'agent').length).toBeGreaterThan(0);
    expect(ours(modules, 'main')).toEqual([]);
    expect(ours(modules, 'memory')).toEqual([]);
  });

  it('main loads no agent or memory code', async () => {
    const modules = await loadedModules('main');
    expect(ours(modules, 'main').length).toBeGreaterThan(0);
    expect(ours(modules, 'agent')).toEqual([]);
    expect(ours(modules, 'memory')).toEqual([]);
  });
});

describe('the bundles npm start runs', () => {
  const bundle = (name: string) => readFileSync(join(BUNDLE, `${name}.js`), 'utf8');

  it('memory carries no chat, agent, ZeroMQ, WebSocket or microservice code', () => {
    const text = bundle('memory');
    for (const marker of ['AgentBridgeClient', 'AgentBridgeController', 'ZmqServer', 'require("zeromq")', 'class WsAdapter', 'class ServerFactory']) {
      expect(text).not.toContain(marker);
    }
    expect(text).toContain('MemoryAppModule');
  });

  it('agent carries no main-server code and main no agent code', () => {
    expect(bundle('agent')).not.toContain('AgentBridgeClient');
    expect(bundle('agent')).toContain('AgentBridgeController');
    expect(bundle('main')).not.toContain('AgentBridgeController');
    expect(bundle('main')).toContain('AgentBridgeClient');
  });
});
