import fc from 'fast-check';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostileStrings, requestsFor, type OpenApiDoc } from '../support/openapi-fuzz';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

/**
 * Drives every route of main's OpenAPI document with generated valid-shaped and hostile input:
 * no 500, the server keeps answering, and nothing outside the allowed roots is read or written.
 * 502/503/504 are allowed: they are the original's answers when a peer server or the AI provider
 * is unreachable (the agent server and no provider run here).
 */
const RUNS_PER_OPERATION = Number(process.env.NEKO_FUZZ_RUNS ?? 20);
const TOKEN = `outside-secret-${process.pid}-${Date.now()}`;
const SKIP = new Set(['GET /docs', 'GET /docs-json', 'GET /docs-yaml']);

let h: MainHarness;
let outsideDir: string;
let outsideFile: string;
const home = process.env.HOME;

function snapshot(dir: string, skip: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (p === skip) continue;
      out.push(`${p}:${e.isDirectory() ? 'd' : statSync(p).size}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(async () => {
  h = await startMainApp({ memory: true });
  const base = dirname(h.root);
  // Folders the user may configure ("~/x") land in this test's own home, never the real one.
  process.env.HOME = join(base, 'home');
  mkdirSync(process.env.HOME, { recursive: true });
  outsideDir = join(base, 'outside');
  mkdirSync(outsideDir);
  outsideFile = join(outsideDir, 'secret.png');
  writeFileSync(outsideFile, TOKEN);
}, 60_000);

afterAll(async () => {
  process.env.HOME = home;
  await h?.close();
});

it('survives every route with generated input', async () => {
  const doc = (await h.request('GET', '/docs-json')).json as OpenApiDoc;
  const before = snapshot(dirname(h.root), h.root);
  const strings = hostileStrings(outsideFile);
  const failures: string[] = [];
  let requests = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (SKIP.has(`${method.toUpperCase()} ${path}`)) continue;
      const samples = fc.sample(requestsFor(doc, path, method, op, strings), { numRuns: RUNS_PER_OPERATION, seed: 4242 });
      for (const req of samples) {
        requests++;
        const res = await h.request(req.method, req.path, req.json === undefined ? {} : { json: req.json });
        if (res.status >= 500 && ![502, 503, 504].includes(res.status)) failures.push(`${req.method} ${req.path} → ${res.status} ${res.text.slice(0, 200)}`);
        if (res.text.includes(TOKEN)) failures.push(`${req.method} ${req.path} leaked a file outside the roots`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(requests).toBeGreaterThan(100);
  expect((await h.request('GET', '/health')).status).toBe(200);
  expect(readFileSync(outsideFile, 'utf8')).toBe(TOKEN);
  const after = snapshot(dirname(h.root), h.root).filter((p) => !p.startsWith(join(dirname(h.root), 'home')));
  expect(after).toEqual(before.filter((p) => !p.startsWith(join(dirname(h.root), 'home'))).concat().sort());
}, 300_000);
