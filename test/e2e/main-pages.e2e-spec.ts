import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePath, startMainApp, type HttpAnswer, type MainHarness } from '../support/main-app.harness';

/**
 * The pages router (spec §3.7, §11): every page renders with the elements its script needs, the
 * single-segment catch-all renders the companion page for that (escaped) name, static assets are
 * served with the right types, and every API path the pages' scripts call exists in /docs-json.
 */
const JS_DIR = join(__dirname, '..', '..', 'public', 'js', 'pages');

const PAGES: ReadonlyArray<{ path: string; title: string; script: string; elements: string[] }> = [
  { path: '/', title: 'Companion', script: 'index.js', elements: ['chat-log', 'chat-form', 'chat-input', 'conn-state', 'avatar-stage'] },
  { path: '/chara_manager', title: 'Characters', script: 'chara_manager.js', elements: ['chara-list', 'master-form', 'chara-form', 'chara-prompt', 'chara-voice'] },
  { path: '/l2d', title: 'Models', script: 'l2d_manager.js', elements: ['live2d-list', 'vrm-list', 'folder-input', 'vrm-input', 'emotion-editor'] },
  { path: '/model_manager', title: 'Models', script: 'l2d_manager.js', elements: ['live2d-list', 'vrm-list'] },
  { path: '/live2d_parameter_editor', title: 'Parameter editor', script: 'parameter_editor.js', elements: ['model-select', 'param-form', 'param-list'] },
  { path: '/live2d_emotion_manager', title: 'Emotion manager', script: 'emotion_manager.js', elements: ['model-select', 'emotion-editor'] },
  { path: '/voice_clone', title: 'Voice clone', script: 'voice_clone.js', elements: ['voice-form', 'voice-file', 'voice-prefix'] },
  { path: '/api_key', title: 'API settings', script: 'api_key.js', elements: ['api-form', 'coreApi', 'assistApi', 'coreApiKey', 'enableCustomApi', 'custom-tiers'] },
  { path: '/steam_workshop_manager', title: 'Workshop', script: 'workshop_manager.js', elements: ['subscribed', 'ws-config-form', 'ws-scan', 'local-items'] },
  { path: '/memory_browser', title: 'Memory', script: 'memory_browser.js', elements: ['file-list', 'entries', 'review-toggle', 'search-input', 'search-results'] },
];

/** The ES modules a page script imports (relative, same folder), transitively. */
function moduleClosure(script: string, seen = new Set<string>()): string[] {
  if (seen.has(script)) return [];
  seen.add(script);
  const text = readFileSync(join(JS_DIR, script), 'utf8');
  for (const m of text.matchAll(/from '\.\/([\w-]+\.js)'/g)) moduleClosure(m[1], seen);
  return [...seen];
}

interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly file: string;
}

/** `api.get('/api/…')`, `api.post(\`/api/…/${x}\`)` … and bare '/api/…' literals (GET, e.g. <img src>). */
function apiCalls(): ApiCall[] {
  const calls: ApiCall[] = [];
  const methods: Record<string, string> = { get: 'get', post: 'post', put: 'put', del: 'delete', upload: 'post', beacon: 'post' };
  for (const file of readdirSync(JS_DIR).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(JS_DIR, file), 'utf8');
    for (const m of text.matchAll(/(?:api\.(get|post|put|del|upload|beacon)\(\s*)?(['`])(\/api\/[^'`]*?)\2/g)) {
      const path = m[3].split('?')[0].replace(/\$\{[^}]*\}/g, '{p}').replace(/\/+$/, '');
      calls.push({ method: m[1] ? methods[m[1]] : 'get', path, file });
    }
  }
  return calls;
}

describe('main pages (e2e)', () => {
  let h: MainHarness;

  beforeAll(async () => {
    h = await startMainApp();
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(PAGES)('GET $path answers its page with the elements $script needs', async ({ path, title, script, elements }) => {
    const res = await h.request('GET', path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain(`<title>${title} · N.E.K.O.</title>`);
    expect(res.text).toContain(`<script type="module" src="/static/js/pages/${script}"></script>`);
    expect(res.text).toMatch(/<html lang="(en|zh-CN)">/);
    for (const id of [...elements, 'toasts', 'lang-select']) expect(res.text).toContain(`id="${id}"`);
    // Every element the page's modules look up by a literal id exists in the rendered page.
    for (const module of moduleClosure(script)) {
      const source = readFileSync(join(JS_DIR, module), 'utf8');
      for (const m of source.matchAll(/\$\('#([\w-]+)'\)/g)) expect({ module, id: m[1], found: res.text.includes(`id="${m[1]}"`) }).toEqual({ module, id: m[1], found: true });
    }
    // Navigation between the management pages.
    for (const href of ['/chara_manager', '/l2d', '/api_key', '/memory_browser']) expect(res.text).toContain(`href="${href}"`);
  });

  it('renders the current character on / and the named one on /{lanlan_name}', async () => {
    const home = await h.request('GET', '/');
    expect(home.text).toContain('data-lanlan-name="小天"');
    expect(home.text).toContain('data-master-name="阿明"');
    const luna = await h.request('GET', '/Luna');
    expect(luna.status).toBe(200);
    expect(luna.text).toContain('data-lanlan-name="Luna"');
    expect(luna.text).toContain('<div class="char-name" id="char-name">Luna</div>');
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

  it('serves the page scripts and the stylesheet with the right content types', async () => {
    for (const file of readdirSync(JS_DIR).filter((f) => f.endsWith('.js'))) {
      const res = await h.request('GET', `/static/js/pages/${file}`);
      expect({ file, status: res.status }).toEqual({ file, status: 200 });
      expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    }
    const css = await h.request('GET', '/static/css/neko.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    // The scripts hide buttons and rows with the hidden attribute; `button { display: inline-flex }`
    // and `.row { display: flex }` would otherwise keep them on screen.
    expect(css.text).toMatch(/\[hidden\]\s*\{\s*display:\s*none\s*!important;?\s*\}/);
    expect((await h.request('GET', '/static/js/pages/missing.js')).status).toBe(404);
  });

  it('lists the pages in the OpenAPI document as text/html under the pages tag', async () => {
    const doc = (await h.request('GET', '/docs-json')).json;
    for (const path of ['/', '/chara_manager', '/l2d', '/model_manager', '/api_key', '/memory_browser', '/{lanlan_name}']) {
      const op = doc.paths[path]?.get;
      expect({ path, tags: op?.tags, html: Boolean(op?.responses?.['200']?.content?.['text/html'] ?? op?.produces) }).toEqual({ path, tags: ['pages'], html: true });
    }
  });

  it('every /api path the page scripts call exists in the OpenAPI document for that method', async () => {
    const doc = (await h.request('GET', '/docs-json')).json;
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method, re: new RegExp(`^${path.replace(/\/+$/, '').replace(/\{[^}]+\}/g, '[^/]+')}$`) })));
    const calls = apiCalls();
    expect(calls.length).toBeGreaterThan(40);
    const missing = calls
      .filter((c) => !routes.some((r) => r.method === c.method && r.re.test(c.path.replace(/\{p\}/g, 'x'))))
      .map((c) => `${c.method.toUpperCase()} ${c.path} (${c.file})`);
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('main pages over an empty data folder (e2e)', () => {
  let h: MainHarness;

  beforeAll(async () => {
    h = await startMainApp({ fixture: false });
  });
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

/** A page module that touches no DOM when imported (swc turns it into CommonJS for Jest). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- plain JS modules
const pageModule = (file: string): Promise<any> => import(join(JS_DIR, file));

describe('character manager form bodies against the characters API (e2e)', () => {
  let h: MainHarness;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- plain JS module
  let form: any;

  beforeAll(async () => {
    h = await startMainApp();
    form = await pageModule('profile_form.js');
  });
  afterAll(async () => {
    await h.close();
  });

  const stored = async (): Promise<HttpAnswer['json']> => (await h.request('GET', '/api/characters')).json;

  it('saves a character whose stored voice is not in the voice library, removing an emptied field', async () => {
    const luna = (await stored())['猫娘'].Luna;
    expect(luna.voice_id).toBe('cosyvoice-v3-luna-abc123'); // the fixture's voice library is empty
    // The form as the page fills it: every scalar field as text, 昵称 emptied, the voice untouched.
    const rows = [['性别', '女'], ['年龄', '17'], ['昵称', '']];
    const body = form.characterBody(luna, rows, { name: 'Luna', voiceId: luna.voice_id, prompt: '' });
    const res = await h.request('PUT', encodePath('/api/characters/catgirl/Luna'), { json: body });
    expect(res.json).toEqual({ success: true, voice_id_changed: false, session_restarted: false });
    const after = (await stored())['猫娘'].Luna;
    expect(after).not.toHaveProperty('昵称');
    expect(after).toMatchObject({ 性别: '女', 年龄: 17, voice_id: 'cosyvoice-v3-luna-abc123', live2d: 'hiyori', live2d_item_id: '3012345678', lighting: { ambient: 0.6, key: 1.2 } });
  });

  it('sends the voice only when it changed, and "" to go back to the default voice', () => {
    const old = { voice_id: 'v1', 年龄: 15 };
    expect(form.characterBody(old, [], { name: 'A', voiceId: 'v1', prompt: '' })).not.toHaveProperty('voice_id');
    expect(form.characterBody(old, [], { name: 'A', voiceId: '', prompt: '' })).toHaveProperty('voice_id', '');
    expect(form.characterBody({}, [], { name: 'New', voiceId: '', prompt: '' })).toEqual({ 档案名: 'New' });
    // Reserved keys typed into a field row never override their own inputs.
    expect(form.characterBody(old, [['voice_id', 'x'], ['档案名', 'B'], [' 年龄 ', '15']], { name: 'A', voiceId: 'v1', prompt: 'p' })).toEqual({ 档案名: 'A', 年龄: 15, system_prompt: 'p' });
  });

  it('keeps the master profile fields the form does not show', async () => {
    const master = { 档案名: '阿明', 昵称: '明明', 偏好: { drink: '咖啡' } };
    const body = form.masterBody(master, [['昵称', ''], ['生日', '3月14日']], '阿明');
    expect(body).toEqual({ 档案名: '阿明', 偏好: { drink: '咖啡' }, 生日: '3月14日' });
    expect((await h.request('POST', '/api/characters/master', { json: body })).json).toEqual({ success: true });
    expect((await stored())['主人']).toEqual(body);
  });
});

/** Just enough DOM for the page modules' el()/replaceChildren(), converting non-nodes as the DOM does. */
class FakeNode {
  children: FakeNode[] = [];
  className = '';
  value = '';
  selected = false;
  data = '';
  readonly attrs: Record<string, string> = {};
  constructor(readonly tag: string) {}
  static text(data: string): FakeNode {
    const node = new FakeNode('#text');
    node.data = data;
    return node;
  }
  private static nodes(items: unknown[]): FakeNode[] {
    return items.map((x) => (x instanceof FakeNode ? x : FakeNode.text(String(x)))); // null → "null", like the DOM
  }
  addEventListener(): void {}
  setAttribute(name: string, value: string): void {
    this.attrs[name] = value;
  }
  append(...items: unknown[]): void {
    this.children.push(...FakeNode.nodes(items));
  }
  replaceChildren(...items: unknown[]): void {
    this.children = FakeNode.nodes(items);
  }
  get textContent(): string {
    return this.tag === '#text' ? this.data : this.children.map((c) => c.textContent).join('');
  }
  set textContent(text: string) {
    this.children = [FakeNode.text(text)];
  }
  all(tag: string): FakeNode[] {
    return this.children.flatMap((c) => [...(c.tag === tag ? [c] : []), ...c.all(tag)]);
  }
}

describe('page modules without a browser', () => {
  const saved: Record<string, PropertyDescriptor | undefined> = {};
  const answers = new Map<string, { body: unknown; delayMs: number }>();
  const fakes: Record<string, unknown> = {
    document: { createElement: (tag: string) => new FakeNode(tag), createTextNode: (text: string) => FakeNode.text(text) },
    Node: FakeNode,
    location: { search: '', href: 'http://127.0.0.1/' },
    navigator: { languages: ['en'] },
    fetch: async (url: string) => {
      const a = answers.get(url);
      if (!a) return new Response(JSON.stringify({ detail: 'Not Found' }), { status: 404 });
      await new Promise((r) => setTimeout(r, a.delayMs));
      return new Response(JSON.stringify(a.body), { status: 200 });
    },
  };

  beforeAll(() => {
    for (const [key, value] of Object.entries(fakes)) {
      saved[key] = Object.getOwnPropertyDescriptor(globalThis, key);
      Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
    }
  });
  afterAll(() => {
    for (const [key, descriptor] of Object.entries(saved)) {
      if (descriptor) Object.defineProperty(globalThis, key, descriptor);
      else delete (globalThis as Record<string, unknown>)[key];
    }
  });

  const model = (name: string, delayMs: number): void => {
    answers.set(`/api/live2d/model_files/${name}`, { body: { success: true, motion_files: [`motions/${name}.motion3.json`], expression_files: [] }, delayMs });
    answers.set(`/api/live2d/emotion_mapping/${name}`, { body: { success: true, config: { motions: {}, expressions: {} } }, delayMs });
  };

  it('latestRequest: only the newest request stays current', async () => {
    const { latestRequest } = await pageModule('common.js');
    const next = latestRequest();
    const first = next();
    expect(first()).toBe(true);
    const second = next();
    expect([first(), second()]).toEqual([false, true]);
    expect(latestRequest()()()).toBe(true); // each guard counts on its own
  });

  it('the emotion editor renders its table without stray "null" text', async () => {
    const { renderEmotionEditor } = await pageModule('emotion_editor.js');
    model('alpha', 0);
    const container = new FakeNode('div');
    await renderEmotionEditor(container, 'alpha');
    expect(container.children.map((c) => c.tag)).toEqual(['p', 'table', 'div']);
    expect(container.all('option').map((o) => o.value)).toContain('motions/alpha.motion3.json');
  });

  it('the emotion editor shows the model picked last, not a slower earlier answer', async () => {
    const { renderEmotionEditor } = await pageModule('emotion_editor.js');
    model('slow', 150);
    model('fast', 0);
    const container = new FakeNode('div');
    const slow = renderEmotionEditor(container, 'slow');
    await renderEmotionEditor(container, 'fast');
    await slow;
    const options = container.all('option').map((o) => o.value);
    expect(options).toContain('motions/fast.motion3.json');
    expect(options).not.toContain('motions/slow.motion3.json');
  });
});
