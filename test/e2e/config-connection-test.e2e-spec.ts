import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

jest.setTimeout(30_000);

const KEY = 'sk-test-connection-key-9876';

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('POST /api/config/test_connection against the fake provider (e2e)', () => {
  let fake: FakeOpenAi;
  let h: MainHarness;
  const test = (json: unknown) => h.request('POST', '/api/config/test_connection', { json });

  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: KEY });
    h = await startMainApp({
      coreConfig: {
        coreApi: 'qwen', coreApiKey: 'sk-core-unused', assistApi: 'qwen', enableCustomApi: true,
        summaryModelUrl: fake.baseUrl, summaryModelId: 'gpt-4.1-mini', summaryModelApiKey: KEY,
        emotionModelUrl: fake.baseUrl, emotionModelId: 'my-finetune', emotionModelApiKey: KEY,
      },
    });
  });
  afterEach(async () => {
    await h.close();
    await fake.close();
  });

  it('a saved tier: ok, latency, the model found in the list; the key is never echoed', async () => {
    const res = await test({ tier: 'summary' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, model_found: true, base_url: fake.baseUrl, model: 'gpt-4.1-mini' });
    expect(res.json.latency_ms).toBeGreaterThanOrEqual(0);
    expect(res.text).not.toContain(KEY);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
  });

  it('a model missing from the list is asked for one token; the provider saying 404 → model_not_found', async () => {
    fake.script.chat({ content: 'p' });
    expect((await test({ tier: 'emotion' })).json).toMatchObject({ ok: true, model_found: true });
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'my-finetune', max_tokens: 1 });
    fake.script.chat({ error: { status: 404, message: 'The model `my-finetune` does not exist', code: 'model_not_found' } });
    expect((await test({ tier: 'emotion' })).json).toMatchObject({ ok: false, model_found: false, error_code: 'model_not_found' });
  });

  it('a wrong typed key → bad_key (401); the saved key is used when the key is omitted or sent back masked', async () => {
    const bad = await test({ tier: 'summary', base_url: fake.baseUrl, api_key: 'sk-wrong-key-123456' });
    expect(bad.json).toMatchObject({ ok: false, error_code: 'bad_key' });
    expect(bad.text).not.toContain('sk-wrong-key-123456');
    const masked = `${'*'.repeat(KEY.length - 4)}${KEY.slice(-4)}`;
    expect((await test({ tier: 'summary', base_url: fake.baseUrl, api_key: masked })).json).toMatchObject({ ok: true });
    expect((await test({ tier: 'summary', base_url: fake.baseUrl, model: 'gpt-realtime' })).json).toMatchObject({ ok: true, model_found: true });
  });

  it('an explicit endpoint: unreachable port, timeout, wrong path, bad scheme', async () => {
    const port = await deadPort();
    expect((await test({ base_url: `http://127.0.0.1:${port}/v1`, api_key: KEY, model: 'x' })).json).toMatchObject({ ok: false, error_code: 'unreachable' });
    fake.script.models({ delayMs: 5000 });
    const slow = await test({ base_url: fake.baseUrl, api_key: KEY, timeout_ms: 800 });
    expect(slow.json).toMatchObject({ ok: false, error_code: 'timeout' });
    expect(slow.json.latency_ms).toBeLessThan(4000);
    // Our own servers are never probed (a page could otherwise make main call the memory or agent server).
    expect((await test({ base_url: `${h.baseUrl}/v1`, api_key: KEY })).json).toMatchObject({ ok: false, error_code: 'own_server' });
    expect((await test({ base_url: `http://localhost:${h.ctx.env.ports.memory}/v1`, api_key: KEY })).json).toMatchObject({ ok: false, error_code: 'own_server' });
    expect((await test({ base_url: 'file:///etc/passwd', api_key: KEY })).json).toMatchObject({ ok: false, error_code: 'bad_url' });
    expect((await test({ base_url: 'wss://api.example.com/v1', api_key: KEY })).json).toMatchObject({ ok: false, error_code: 'bad_url' });
  });

  it('never follows a redirect, not even on the one-token request', async () => {
    const hits: string[] = [];
    const target = createHttpServer((req, res) => (hits.push(`${req.method} ${req.url}`), res.end('{}')));
    // Lists no models (404), then sends the chat request on to another server.
    const bouncer = createHttpServer((req, res) => {
      if (req.url?.endsWith('/models')) res.writeHead(404).end();
      else res.writeHead(307, { location: `http://127.0.0.1:${(target.address() as { port: number }).port}/v1/chat/completions` }).end();
    });
    await Promise.all([target, bouncer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    try {
      const res = await test({ base_url: `http://127.0.0.1:${(bouncer.address() as { port: number }).port}/v1`, api_key: KEY, model: 'x' });
      expect(res.json).toMatchObject({ ok: false });
      expect(hits).toEqual([]);
    } finally {
      await Promise.all([target, bouncer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
  });

  it('validates the body (400, bounded sizes) and lists the route in the OpenAPI document', async () => {
    expect((await test({})).status).toBe(400);
    expect((await test({ tier: 'nope' })).status).toBe(400);
    expect((await test({ base_url: 'x'.repeat(2001) })).status).toBe(400);
    expect((await test({ base_url: fake.baseUrl, timeout_ms: 60_000 })).status).toBe(400);
    const doc = (await h.request('GET', '/docs-json')).json;
    expect(doc.paths['/api/config/test_connection']?.post).toBeDefined();
  });
});
