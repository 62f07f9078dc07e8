import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../support/free-port';
import { getJson, isAlive, LauncherHarness } from '../support/launcher.harness';

jest.setTimeout(30_000);

describe('npm start (the launcher) with all three servers', () => {
  let neko: LauncherHarness;
  beforeAll(async () => {
    neko = await LauncherHarness.start();
    await neko.waitForLog(/N\.E\.K\.O\. is ready/);
  });
  afterAll(async () => {
    await neko.stop();
  });

  it('prints one ready line with the web page URL', () => {
    const ready = neko.logs().filter((l) => /is ready/.test(String(l.msg)));
    expect(ready).toHaveLength(1);
    expect(ready[0].msg).toContain(`http://127.0.0.1:${neko.port('main')}/`);
    expect(ready[0].process).toBe('launcher');
  });

  it('answers /health on every server in the V1 shape', async () => {
    expect(await getJson(neko.port('memory'), '/health')).toEqual({
      status: 200,
      body: { app: 'N.E.K.O', service: 'memory', status: 'ok', instance_id: expect.any(String) },
    });
    expect(await getJson(neko.port('agent'), '/health')).toEqual({
      status: 200,
      body: {
        app: 'N.E.K.O',
        service: 'agent',
        status: 'ok',
        instance_id: expect.any(String),
        agent_flags: { computer_use_enabled: false, browser_use_enabled: false, user_plugin_enabled: false, openfang_enabled: false, mcp_enabled: false },
      },
    });
    expect((await getJson(neko.port('main'), '/health')).body).toMatchObject({ service: 'main', status: 'ok' });
  });

  it('logs JSON lines that name their process', () => {
    const processes = new Set(neko.logs().map((l) => l.process));
    expect([...processes].sort()).toEqual(['agent', 'launcher', 'main', 'memory']);
  });

  it('created the data folder with N.E.K.O. defaults', () => {
    const root = neko.env.NEKO_DATA_DIR;
    const characters = JSON.parse(readFileSync(join(root, 'config', 'characters.json'), 'utf8'));
    expect(characters['当前猫娘']).toBe('test');
    for (const dir of ['memory', 'live2d', 'vrm', 'workshop']) expect(existsSync(join(root, dir))).toBe(true);
  });

  it.each(['main', 'memory', 'agent'] as const)('refuses foreign Host and Origin headers on %s', async (name) => {
    const port = neko.port(name);
    expect(await getJson(port, '/health', { Host: 'evil.example' })).toEqual({ status: 403, body: { detail: 'Host "evil.example" is not allowed' } });
    expect((await getJson(port, '/health', { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await getJson(port, '/health', { Origin: `http://localhost:${neko.port('main')}` })).status).toBe(200);
  });

  it('restarts a crashed server', async () => {
    const before = (await getJson(neko.port('memory'), '/health')).body as { instance_id: string };
    process.kill(neko.pidOf('memory'), 'SIGKILL');
    await neko.waitForLog(/memory exited \(SIGKILL\); restarting in 0\.5 s/);
    await waitFor(async () => {
      const res = await getJson(neko.port('memory'), '/health').catch(() => undefined);
      return (res?.body as { instance_id?: string } | undefined)?.instance_id !== undefined && (res!.body as { instance_id: string }).instance_id !== before.instance_id;
    }, 'memory back with a new instance');
  });
});

describe('stopping', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s stops every server within 2 s, leaves no process and exits 0', async (signal) => {
    const neko = await LauncherHarness.start();
    await neko.waitForLog(/is ready/);
    const pids = neko.childPids();
    expect(pids).toHaveLength(3);
    const started = Date.now();
    expect(await neko.stop(signal)).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('leaves no orphans when the launcher itself is killed', async () => {
    const neko = await LauncherHarness.start();
    await neko.waitForLog(/is ready/);
    const pids = neko.childPids();
    neko.proc.kill('SIGKILL');
    await neko.exited;
    await waitFor(() => pids.every((p) => !isAlive(p)), 'servers to exit after the launcher died', 5000);
  });
});

describe('bad configuration', () => {
  it('stops with one clear message for a bad port', async () => {
    const neko = await LauncherHarness.start({ NEKO_MAIN_SERVER_PORT: 'abc' });
    expect((await neko.exited).code).toBe(78);
    expect(neko.stderr).toEqual(['Invalid configuration: NEKO_MAIN_SERVER_PORT="abc" is not a port number (1-65535)']);
  });

  it('stops with one clear message for clashing ports', async () => {
    const neko = await LauncherHarness.start({ NEKO_ZMQ_AGENT_PUSH_PORT: '48001', NEKO_ZMQ_ANALYZE_PUSH_PORT: '48001' });
    expect((await neko.exited).code).toBe(78);
    expect(neko.stderr.join('\n')).toContain('port 48001 is used for both ZeroMQ agent→main PUSH and ZeroMQ analyze PUSH');
  });

  it('stops everything and names the port when a port is already taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const neko = await LauncherHarness.start();
    await new Promise<void>((r) => blocker.listen(Number(neko.env.NEKO_ZMQ_SESSION_PUB_PORT), '127.0.0.1', r));
    try {
      expect((await neko.exited).code).toBe(78);
      const fatal = neko.logs().find((l) => l.level === 60 && l.process === 'main');
      expect(fatal?.msg).toContain(`Port ${neko.env.NEKO_ZMQ_SESSION_PUB_PORT} (ZeroMQ session PUB) is already in use`);
      expect(fatal?.msg).toContain('NEKO_ZMQ_SESSION_PUB_PORT');
      expect(neko.childPids()).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('in browser mode, closing the page stops all three servers (exit 0)', async () => {
    const neko = await LauncherHarness.start({ NEKO_BROWSER_MODE: '1' });
    await neko.waitForLog(/N\.E\.K\.O\. is ready/);
    const pids = neko.childPids();
    const res = await fetch(`http://127.0.0.1:${neko.port('main')}/api/beacon/shutdown`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ timestamp: Date.now(), action: 'shutdown' }),
    });
    expect(await res.json()).toEqual({ success: true, message: '服务器关闭信号已接收' });
    expect((await neko.exited).code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
