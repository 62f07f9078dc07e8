import WebSocket from 'ws';
import { SessionRegistry } from '../../src/main/sessions/session-registry.service';
import { ChatStatus } from '../../src/main/chat/chat-status.const';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

let h: MainHarness;
beforeAll(async () => {
  // No usable provider: a start must end in the one not-configured status, without any network call.
  h = await startMainApp({ coreConfig: { coreApi: 'qwen', assistApi: 'qwen', coreApiKey: '', enableCustomApi: false } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

interface Client {
  readonly ws: WebSocket;
  readonly messages: Array<Record<string, unknown>>;
  next(predicate?: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  closed: Promise<number>;
}

function connect(path: string, headers: Record<string, string> = {}): Promise<Client> {
  const ws = new WebSocket(h.baseUrl.replace('http', 'ws') + path, { headers });
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  let seen = 0;
  const next = async (predicate: (m: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      while (seen < messages.length) {
        const m = messages[seen++];
        if (predicate(m)) return m;
      }
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, next, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('/ws/{lanlan_name}', () => {
  it('answers ping with pong, keeps going after a malformed frame, rejects bad input types', async () => {
    const c = await connect(`/ws/${encodeURIComponent('小天')}`);
    c.ws.send(JSON.stringify({ action: 'ping' }));
    expect(await c.next()).toEqual({ type: 'pong' });
    c.ws.send('{not json');
    expect(String((await c.next()).message)).toMatch(/^Server error: /);
    c.ws.send(JSON.stringify({ action: 'start_session', input_type: 'smell' }));
    expect(await c.next()).toEqual({ type: 'status', message: 'Invalid input type: smell' });
    c.ws.send(JSON.stringify({ action: 'dance' }));
    expect(await c.next()).toEqual({ type: 'status', message: 'Unknown action: dance' });
    c.ws.send(JSON.stringify({ action: 'start_session', input_type: 'text' }));
    expect(await c.next()).toEqual({ type: 'session_preparing', input_mode: 'text' });
    expect(await c.next()).toEqual({ type: 'status', message: ChatStatus.notConfigured });
    c.ws.send(JSON.stringify({ action: 'ping' }));
    expect(await c.next()).toEqual({ type: 'pong' });
    c.ws.close();
    await c.closed;
  });

  it('sends an unknown name to the current character and closes', async () => {
    const c = await connect('/ws/nobody');
    expect(await c.next()).toEqual({ type: 'catgirl_switched', new_catgirl: '小天', old_catgirl: 'nobody' });
    expect(await c.closed).toBe(1000);
  });

  it('makes the newest socket authoritative and tells the older one', async () => {
    const first = await connect('/ws/Luna');
    const second = await connect('/ws/Luna');
    first.ws.send(JSON.stringify({ action: 'ping' }));
    expect(await first.next()).toEqual({ type: 'status', message: '切换至另一个终端...' });
    await first.closed;
    // The manager now talks to the newer socket, and the older one closing did not detach it.
    const manager = h.app.get(SessionRegistry).get('Luna')!;
    expect(manager.hasSocket).toBe(true);
    await manager.send({ type: 'reload_page', message: 'x' });
    expect(await second.next()).toEqual({ type: 'reload_page', message: 'x' });
    second.ws.close();
    await second.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(manager.hasSocket).toBe(false);
  });

  it('refuses upgrades from foreign origins and hosts, and unknown paths', async () => {
    await expect(connect('/ws/Luna', { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect('/ws/Luna', { host: 'evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect('/ws/a/b')).rejects.toThrow('HTTP 404');
    const ok = await connect('/ws/Luna', { origin: h.baseUrl });
    ok.ws.close();
    await ok.closed;
  });
});
