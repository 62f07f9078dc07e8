import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

/**
 * The pages router (spec §3.7, §11): every page renders with the elements its script needs, the
 * single-segment catch-all renders the companion page for that (escaped) name, static assets are
 * served with the right types, and every API path the pages' scripts call exists in /docs-json.
 */
const WEB_SRC = join(__dirname, '..', '..', 'web', 'src');
const DIST_DIR = join(__dirname, '..', '..', 'public', 'js', 'dist');

const PAGES: ReadonlyArray<{ path: string; title: string; script: string; elements: string[] }> = [
  { path: '/', title: 'Companion', script: 'index', elements: ['avatar-stage', 'chat-log', 'chat-form', 'chat-input', 'chat-send', 'mic-toggle', 'conn-state', 'session-state', 'screen-toggle', 'agent-toggle', 'agent-hud', 'char-name'] },
  { path: '/chara_manager', title: 'Characters', script: 'chara_manager', elements: ['chara-list', 'chara-new', 'chara-form'] },
  { path: '/l2d', title: 'Models', script: 'l2d_manager', elements: ['model-list', 'model-preview', 'model-upload'] },
  { path: '/model_manager', title: 'Models', script: 'l2d_manager', elements: ['model-list'] },
  { path: '/memory_browser', title: 'Memory', script: 'memory_browser', elements: ['mem-character', 'mem-search', 'mem-timeline', 'mem-review'] },
  { path: '/agent_manager', title: 'Agent', script: 'agent_manager', elements: ['agent-master', 'mcp-servers', 'agent-tasks'] },
  { path: '/api_key', title: 'API &amp; providers', script: 'api_key', elements: ['api-form', 'coreApi', 'assistApi', 'coreApiKey', 'api-test-result'] },
  { path: '/live2d_parameter_editor', title: 'Face editor', script: 'parameter_editor', elements: [] },
  { path: '/live2d_emotion_manager', title: 'Emotion manager', script: 'emotion_manager', elements: [] },
  { path: '/voice_clone', title: 'Voice clone', script: 'voice_clone', elements: [] },
  { path: '/steam_workshop_manager', title: 'Workshop', script: 'workshop_manager', elements: [] },
];

/** The front-end sources a page entry imports (relative imports, resolved to .ts files), transitively. */
function moduleClosure(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), m[1]);
    const candidate = [`${target}.ts`, join(target, 'index.ts')].find((f) => existsSync(f));
    if (candidate) moduleClosure(candidate, seen);
  }
  return [...seen];
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts') ? [join(dir, d.name)] : [],
  );
}

interface ApiCall {
  /** Undefined for a bare path literal (a base URL, a path handed to a helper, an <img src>). */
  readonly method: string | undefined;
  readonly path: string;
  readonly file: string;
}

/** `api.get('/api/…')`, `api.get<{ a: Record<string, X> }>(…)`, `api.post(\`/api/…/${x}\`)` … and bare '/api/…' literals. */
function apiCalls(): ApiCall[] {
  const calls: ApiCall[] = [];
  const methods: Record<string, string> = { get: 'get', post: 'post', put: 'put', patch: 'patch', del: 'delete', upload: 'post', beacon: 'post' };
  for (const file of sources(WEB_SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:api\s*\.(get|post|put|patch|del|upload|beacon)(?:<(?:[^<>]|<[^<>]*>)*>)?\(\s*)?(['`])(\/api\/[^'`]*?)\2/g)) {
      const path = m[3].split('?')[0].replace(/\$\{[^}]*\}/g, '{p}').replace(/\/+$/, '');
      calls.push({ method: m[1] ? methods[m[1]] : undefined, path, file: relative(WEB_SRC, file) });
    }
  }
  return calls;
}

describe('main pages (e2e)', () => {
  let h: MainHarness;

  beforeAll(async () => {
    h = await startMainApp();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it.each(PAGES)('GET $path answers its page with the elements $script needs', async ({ path, title, script, elements }) => {
    const res = await h.request('GET', path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain(`<title>${title} · N.E.K.O.</title>`);
    expect(res.text).toContain(`<script type="module" src="/static/js/dist/pages/${script}.js"></script>`);
    expect(res.text).toContain(`<link rel="stylesheet" href="/static/css/pages/${script}.css">`);
    expect(res.text).toMatch(/<html lang="(en|zh-CN)">/);
    for (const id of [...elements, 'toasts', 'lang-select', 'nav-toggle']) expect(res.text).toContain(`id="${id}"`);
    // Every element the page's modules look up by a literal id exists in the rendered page.
    for (const module of moduleClosure(join(WEB_SRC, 'pages', `${script}.ts`))) {
      const source = readFileSync(module, 'utf8');
      for (const m of source.matchAll(/(?:\$|must)(?:<[^>]*>)?\('#([\w-]+)'\)/g)) {
        expect({ module: relative(WEB_SRC, module), id: m[1], found: res.text.includes(`id="${m[1]}"`) }).toEqual({ module: relative(WEB_SRC, module), id: m[1], found: true });
      }
    }
    // Navigation between the main pages.
    for (const href of ['/chara_manager', '/l2d', '/api_key', '/memory_browser', '/agent_manager']) expect(res.text).toContain(`href="${href}"`);
  });

  it('renders the current character on / and the named one on /{lanlan_name}', async () => {
    const home = await h.request('GET', '/');
    expect(home.text).toContain('data-lanlan-name="小天"');
    expect(home.text).toContain('data-master-name="阿明"');
    const luna = await h.request('GET', '/Luna');
    expect(luna.status).toBe(200);
    expect(luna.text).toContain('data-lanlan-name="Luna"');
    expect(luna.text).toMatch(/id="char-name"[^>]*>Luna</);
    const cjk = await h.request('GET', `/${encodeURIComponent('小天')}`);
    expect(cjk.text).toContain('data-lanlan-name="小天"');
    // Any single segment: an unknown name still gets the page (the chat socket switches it).
    expect((await h.request('GET', '/live2d_preview')).text).toContain('data-lanlan-name="live2d_preview"');
  });

  it('HTML-escapes the name taken from the URL', async () => {
    const res = await h.request('GET', `/${encodeURIComponent('<script>alert("x")</script>')}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-lanlan-name="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
    expect(res.text).not.toContain('<script>alert');
    const q = await h.request('GET', `/l2d?lanlan_name=${encodeURIComponent('"><img src=x>')}`);
    expect(q.status).toBe(200);
    expect(q.text).toContain('data-lanlan-name="&quot;&gt;&lt;img src&#x3D;x&gt;"');
    expect(q.text).not.toContain('<img src=x>');
  });

  it('bounds the name: an overlong query or path segment is a 422, not a page', async () => {
    const long = 'x'.repeat(101);
    const q = await h.request('GET', `/voice_clone?lanlan_name=${long}`);
    expect(q.status).toBe(422);
    expect(Array.isArray(q.json.detail)).toBe(true);
    expect((await h.request('GET', `/${long}`)).status).toBe(422);
    expect((await h.request('GET', `/${'x'.repeat(100)}`)).status).toBe(200);
    expect((await h.request('GET', '/l2d?lanlan_name=a&lanlan_name=b')).status).toBe(422);
  });

  it('accepts other query parameters the scripts read (?model=, ?lang=) without a 422', async () => {
    for (const path of ['/live2d_parameter_editor?model=hiyori&lang=zh-CN', '/live2d_emotion_manager?model=hiyori', '/l2d?lanlan_name=Luna&utm=x', '/Luna?lang=en', '/?lang=zh-CN']) {
      expect({ path, status: (await h.request('GET', path)).status }).toEqual({ path, status: 200 });
    }
    expect((await h.request('GET', '/l2d?lanlan_name=Luna&lang=en')).text).toContain('data-lanlan-name="Luna"');
  });

  it('answers a real favicon instead of the index page', async () => {
    const res = await h.request('GET', '/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.text).toContain('<svg');
  });

  it('answers unknown multi-segment paths with 404 JSON and a wrong method with 405', async () => {
    const res = await h.request('GET', '/no/such/page');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ detail: 'Not Found' });
    expect((await h.request('GET', '/chara_manager/extra')).status).toBe(404);
    const post = await h.request('POST', '/chara_manager', { json: {} });
    expect(post.status).toBe(405);
    expect(post.json).toEqual({ detail: 'Method Not Allowed' });
  });

  it('serves the built page scripts, the worklet, the Cubism 2 runtime and the stylesheets with the right content types', async () => {
    const built = readdirSync(join(DIST_DIR, 'pages')).filter((f) => f.endsWith('.js'));
    expect(built.sort()).toEqual([...new Set(PAGES.map((p) => `${p.script}.js`))].sort());
    for (const file of [...built.map((f) => `pages/${f}`), 'audio/mic-capture.worklet.js', 'vendor/live2d.cubism2.js']) {
      const res = await h.request('GET', `/static/js/dist/${file}`);
      expect({ file, status: res.status }).toEqual({ file, status: 200 });
      expect(res.headers.get('content-type')).toMatch(/^(application|text)\/javascript/);
    }
    const css = await h.request('GET', '/static/css/neko.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    // The scripts hide buttons and rows with the hidden attribute; `button { display: inline-flex }`
    // and `.row { display: flex }` would otherwise keep them on screen.
    expect(css.text).toMatch(/\[hidden\]\s*\{\s*display:\s*none\s*!important;?\s*\}/);
    for (const { script } of PAGES) expect((await h.request('GET', `/static/css/pages/${script}.css`)).status).toBe(200);
    expect((await h.request('GET', '/static/js/dist/pages/missing.js')).status).toBe(404);
  });

  it('serves the default avatar built by the project', async () => {
    const res = await h.request('GET', '/static/avatars/neko-default.vrm');
    expect(res.status).toBe(200);
    expect(res.text.slice(0, 4)).toBe('glTF');
  });

  it('lists the pages in the OpenAPI document as text/html under the pages tag', async () => {
    const doc = (await h.request('GET', '/docs-json')).json;
    for (const path of ['/', '/chara_manager', '/l2d', '/model_manager', '/api_key', '/memory_browser', '/agent_manager', '/{lanlan_name}']) {
      const op = doc.paths[path]?.get;
      expect({ path, tags: op?.tags, html: Boolean(op?.responses?.['200']?.content?.['text/html'] ?? op?.produces) }).toEqual({ path, tags: ['pages'], html: true });
    }
  });

  it('every /api path the page scripts call exists in the OpenAPI document for that method', async () => {
    const doc = (await h.request('GET', '/docs-json')).json;
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => {
        const pattern = path.replace(/\/+$/, '').replace(/\{[^}]+\}/g, '[^/]+');
        return { method, re: new RegExp(`^${pattern}$`), sample: path.replace(/\{[^}]+\}/g, 'x') };
      }));
    const calls = apiCalls();
    expect(calls.length).toBeGreaterThan(30);
    // A bare literal must be a route or the start of one (any method).
    const matches = (c: ApiCall, r: { method: string; re: RegExp; sample: string }) =>
      c.method === undefined ? r.sample.startsWith(c.path.replace(/\{p\}/g, 'x')) : r.method === c.method && r.re.test(c.path.replace(/\{p\}/g, 'x'));
    const missing = calls.filter((c) => !routes.some((r) => matches(c, r))).map((c) => `${(c.method ?? 'any').toUpperCase()} ${c.path} (${c.file})`);
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('main pages over an empty data folder (e2e)', () => {
  let h: MainHarness;

  beforeAll(async () => {
    h = await startMainApp({ fixture: false });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('still renders every page (the scripts then show what the APIs answer)', async () => {
    for (const { path, title } of PAGES) {
      const res = await h.request('GET', path);
      expect({ path, status: res.status, titled: res.text.includes(`<title>${title} · N.E.K.O.</title>`) }).toEqual({ path, status: 200, titled: true });
    }
    expect((await h.request('GET', '/')).text).toMatch(/data-lanlan-name="[^"<>]*"/);
  });
});
