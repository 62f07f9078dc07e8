import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

let h: MainHarness;
let secret: string;
const TOKEN = `security-secret-${process.pid}`;

beforeAll(async () => {
  h = await startMainApp();
  const outside = join(dirname(h.root), 'outside');
  mkdirSync(outside, { recursive: true });
  secret = join(outside, 'secret.txt');
  writeFileSync(secret, TOKEN);
  // A user model folder with a symlink that points out of the data folder.
  mkdirSync(join(h.root, 'live2d', 'evil'), { recursive: true });
  symlinkSync(secret, join(h.root, 'live2d', 'evil', 'leak.txt'));
  symlinkSync(dirname(secret), join(h.root, 'live2d', 'evil', 'dir'));
  writeFileSync(join(h.root, 'live2d', 'evil', 'ok.txt'), 'fine');
  for (const dir of [join(h.root, 'workshop', '.hidden'), join(h.root, 'live2d', '.hidden')]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'x.txt'), TOKEN);
  }
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** fetch() cannot set Host; a raw request can (as a DNS-rebinding page's browser would). */
function withHost(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: h.ctx.env.ports.main, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host and Origin', () => {
  it.each(['evil.example', 'localhost.evil.example:48911', '127.0.0.1.nip.io', 'evil.example:80'])('Host %s → 403 (DNS rebinding)', async (host) => {
    for (const path of ['/api/characters', '/health', '/']) {
      const res = await withHost(path, host);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toEqual({ detail: `Host "${host}" is not allowed` });
    }
  });

  it.each([
    ['POST', '/api/characters/current_catgirl', { origin: 'https://evil.example' }],
    ['POST', '/api/characters/current_catgirl', { origin: 'null' }],
    ['POST', '/api/characters/current_catgirl', { referer: 'https://evil.example/page' }],
    ['PUT', '/api/characters/catgirl/Luna', { origin: 'http://127.0.0.1.evil.example' }],
  ])('%s %s with %j → 403', async (method, path, headers) => {
    const res = await h.request(method, path, { headers, ...(method === 'GET' ? {} : { json: { catgirl_name: 'Luna' } }) });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ detail: expect.stringMatching(/is not allowed/) });
  });

  it('lets local pages and tools through', async () => {
    expect((await h.request('GET', '/health', { headers: { origin: h.baseUrl } })).status).toBe(200);
    expect((await h.request('GET', '/health', { headers: { host: `localhost:${h.ctx.env.ports.main}` } })).status).toBe(200);
    expect((await h.request('GET', '/health', { headers: { referer: 'https://evil.example/' } })).status).toBe(200);
  });

  it('refuses a state change from a foreign page before touching characters.json', async () => {
    const res = await h.request('POST', '/api/characters/current_catgirl', { headers: { origin: 'https://evil.example' }, json: { catgirl_name: 'Luna' } });
    expect(res.status).toBe(403);
    expect((await h.request('GET', '/api/characters/current_catgirl')).json).toEqual({ current_catgirl: '小天' });
  });
});

it('answers an undecodable URL with the usual error shape', async () => {
  for (const path of ['/%ff', '/api/characters/catgirl/%E0%A4%A']) {
    const res = await h.request('GET', path);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ detail: expect.stringMatching(/^Bad Request/) });
  }
});

describe('static mounts stay inside their folders', () => {
  it('serves a plain file', async () => {
    const res = await h.request('GET', '/user_live2d/evil/ok.txt');
    expect(res.status).toBe(200);
    expect(res.text).toBe('fine');
  });

  it.each([
    '/user_live2d/evil/leak.txt',
    '/user_live2d/evil/dir/secret.txt',
    '/user_live2d/..%2f..%2foutside/secret.txt',
    '/user_live2d/%2e%2e/%2e%2e/outside/secret.txt',
    '/user_live2d/%252e%252e/%252e%252e/outside/secret.txt',
    '/user_live2d/..%5c..%5coutside%5csecret.txt',
    '/static/..%2f..%2fpackage.json',
    '/user_vrm/../config/core_config.json',
    '/workshop/..%2f..%2foutside/secret.txt',
    '/user_mods/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt',
    '/workshop/.hidden/x.txt',
    '/user_live2d/.hidden/x.txt',
  ])('%s is refused', async (path) => {
    const res = await h.request('GET', path);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.text).not.toContain(TOKEN);
    expect(res.text).not.toContain('coreApiKey');
  });
});
