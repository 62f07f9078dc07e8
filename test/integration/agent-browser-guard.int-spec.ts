import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelProgress } from '../../src/agent/adapters/agent-channel.port';
import { BrowserSession, SANDBOX_HINT } from '../../src/agent/adapters/browser/browser.session';
import { BrowserUseAdapter, type BrowserUseOptions } from '../../src/agent/adapters/browser/browser-use.adapter';
import { describeWithPrograms, findProgram } from '../support/system-deps';
import { act, page, startModel, startShop, type ModelFixture, type Shop } from './agent-browser.fixture';

const PASSWORD = 'hunter2-Secret!';

describeWithPrograms(['chromium'])('browser-use guards (headless Chromium, fake model)', () => {
  jest.setTimeout(90_000);
  let model: ModelFixture;
  let shop: Shop;
  let secret: { url: string; hits: string[]; server: Server };
  const adapters: BrowserUseAdapter[] = [];
  const progress: ChannelProgress[] = [];
  const onProgress = (p: ChannelProgress) => progress.push(p);
  const adopt = (a: BrowserUseAdapter) => (adapters.push(a), a);
  const make = (options: Partial<BrowserUseOptions> = {}) =>
    adopt(new BrowserUseAdapter(model.llm, { stepTimeoutMs: 20_000, allowedPrivateHosts: [shop.host], ...options }));
  const actions = () => progress.filter((p) => p.stage === 'action').map((p) => p.message ?? '');

  beforeAll(async () => {
    model = await startModel();
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('Core config', '<p>api_key=sk-very-secret</p>'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    secret = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
    shop = await startShop((req, res) => {
      const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(page('Neko News', body));
      if (req.url === '/news') html('<p>Big story today.</p><a href="/more">Read more</a>');
      else if (req.url === '/more') res.writeHead(302, { location: `${secret.url}/api/config/core_api` }).end();
      else if (req.url === '/files') html('<a href="/report.bin">Download the report</a>');
      else if (req.url === '/report.bin') res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename=report.bin' }).end('x'.repeat(4096));
      else if (req.url === '/dialogs') {
        html(`<button onclick="alert('Hello there'); var c = confirm('Delete everything?'); var p = prompt('Your name?');
          document.getElementById('out').textContent = 'confirm=' + c + ' prompt=' + p;">Ask</button>
          <button onclick="for (var i = 0; i < 8; i++) alert('spam ' + i); document.getElementById('out').textContent = 'spammed';">Spam</button><p id="out"></p>`);
      } else if (req.url === '/spoof') {
        // Pre-marked with the index attribute name the agent once used, and a hostile prototype.
        html(`<button data-neko-index="2" onclick="document.getElementById('out').textContent = 'Delete clicked'">Delete account</button>
          <button onclick="document.getElementById('out').textContent = 'A clicked'">Safe A</button>
          <button onclick="document.getElementById('out').textContent = 'B clicked'">Safe B</button><p id="out"></p>
          <script>String.prototype.slice = function () { return 'x'.repeat(100000); }; Array.prototype.slice = function () { return [1, 2, 3]; };</script>`);
      } else if (req.url === '/popups') {
        // Each would open a new window outside the page's navigation guard.
        html(`<button onclick="var w = window.open('${secret.url}/open'); document.getElementById('out').textContent = 'opened=' + w;">Open</button>
          <a href="${secret.url}/blank" target="_blank">New tab</a>
          <button onclick="window.open('${secret.url}/noopener', '_blank', 'noopener'); document.getElementById('out').textContent = 'noopener tried';">No opener</button>
          <form id="away" method="get" action="${secret.url}/form" target="_blank"></form>
          <button onclick="document.getElementById('away').submit(); document.getElementById('out').textContent = 'submitted';">Submit away</button><p id="out"></p>`);
      } else if (req.url === '/signin') {
        html(`<form method="post" action="/login"><label for="u">User</label><input id="u" name="user">
          <label for="p">Password</label><input id="p" name="pw" type="password"><button>Sign in</button></form>`);
      } else return false;
      return true;
    });
  });
  beforeEach(() => {
    model.fake.script.reset();
    model.fake.clearRequests();
    progress.length = 0;
    secret.hits.length = 0;
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.onModuleDestroy()));
  });
  afterAll(async () => {
    await model.close();
    await shop.close();
    secret.server.closeAllConnections();
    await new Promise<void>((resolve) => secret.server.close(() => resolve()));
  });

  it('never follows a link that redirects to a local address, nor opens one the user did not name', async () => {
    const secretHost = new URL(secret.url).host;
    model.fake.script.chat(
      act({ action: 'navigate', url: `${shop.url}/news` }),
      act({ action: 'click', index: 1 }),
      act({ action: 'navigate', url: `${secret.url}/api/config/core_api` }),
      act({ action: 'navigate', url: 'http://127.0.0.1:48911/api/config/core_api' }),
      act({ action: 'fail', reason: 'blocked' }),
    );
    const result = await make().execute({ instruction: 'Read the big story on the news site' }, { onProgress });
    expect(result).toMatchObject({ success: false, error: 'blocked' });
    expect(secret.hits).toEqual([]);
    const sent = model.prompts();
    expect(sent[2]).toContain(`click [1] "Read more" -> error: blocked: ${secretHost} is a local address the user did not ask for`);
    expect(sent[2]).toContain('Title: Neko News'); // back on the page the model knew
    expect(sent[3]).toContain(`-> error: blocked: ${secretHost} is a local address the user did not ask for`);
    expect(sent[4]).toContain('-> error: blocked: 127.0.0.1:48911 is a local address the browser never opens');
    expect(sent.join('\n')).not.toContain('sk-very-secret');

    // Named in the task: allowed.
    model.fake.clearRequests();
    model.fake.script.chat(act({ action: 'navigate', url: `${secretHost}/status` }), act({ action: 'done', result: 'read it' }));
    await expect(make().execute({ instruction: `Open my dashboard at ${secretHost}` })).resolves.toMatchObject({ success: true });
    expect(secret.hits.filter((h) => h !== '/favicon.ico')).toEqual(['/status']);
    expect(model.prompts()[1]).toContain('api_key=sk-very-secret');
  });

  it('opens no pop-up windows (window.open, target=_blank, noopener), so none can reach a local address', async () => {
    model.fake.script.chat(
      act({ action: 'navigate', url: `${shop.url}/popups` }),
      act({ action: 'click', index: 1 }),
      act({ action: 'click', index: 2 }),
      act({ action: 'click', index: 3 }),
      act({ action: 'click', index: 4 }), // form.submit() fires no submit event: only the browser-level guard stops this one
      act({ action: 'done', result: 'clicked all' }),
    );
    const result = await make().execute({ instruction: 'press every button on the page' }, { onProgress });
    expect(result.success).toBe(true);
    const sent = model.prompts();
    const secretHost = new URL(secret.url).host;
    expect(sent[2]).toContain('opened=null'); // the click ran, window.open opened nothing
    // A target=_blank link opens in the agent's own page, where the guard checks it.
    expect(sent[3]).toContain(`click [2] "New tab" -> error: blocked: ${secretHost} is a local address the user did not ask for`);
    expect(sent[3]).toContain('Title: Neko News');
    expect(sent[4]).toContain('noopener tried');
    expect(sent[5]).toContain('submitted');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a pop-up would load by now
    expect(secret.hits).toEqual([]);
  });

  it('lets only the user\'s own words name a local host, not a model-written instruction', async () => {
    const secretHost = new URL(secret.url).host;
    model.fake.script.chat(act({ action: 'navigate', url: `${secretHost}/status` }), act({ action: 'fail', reason: 'blocked' }));
    const planned = await make().execute({ instruction: `Open the dashboard at ${secretHost}`, userRequest: 'Check how my shop is doing' });
    expect(planned).toMatchObject({ success: false, error: 'blocked' });
    expect(model.prompts()[1]).toContain(`blocked: ${secretHost} is a local address the user did not ask for`);
    expect(secret.hits).toEqual([]);

    model.fake.clearRequests();
    model.fake.script.chat(act({ action: 'navigate', url: `${secretHost}/status` }), act({ action: 'done', result: 'read it' }));
    const asked = await make().execute({ instruction: 'Open the dashboard', userRequest: `Check my dashboard at ${secretHost}` });
    expect(asked.success).toBe(true);
    expect(secret.hits.filter((h) => h !== '/favicon.ico')).toEqual(['/status']);
  });

  it('answers page dialogs itself (alert accepted, confirm and prompt dismissed), at most five recorded per step', async () => {
    model.fake.script.chat(
      act({ action: 'navigate', url: `${shop.url}/dialogs` }),
      act({ action: 'click', index: 1 }),
      act({ action: 'click', index: 2 }),
      act({ action: 'done', result: 'seen' }),
    );
    const result = await make().execute({ instruction: 'press the buttons' }, { onProgress });
    expect(result.success).toBe(true);
    const sent = model.prompts();
    expect(sent[2]).toContain('confirm=false prompt=null');
    expect(sent[2]).toContain('page dialog -> accepted alert dialog "Hello there"');
    expect(sent[3]).toContain('spammed');
    const dialogs = actions().filter((m) => m.includes(' dialog '));
    expect(dialogs.slice(0, 3)).toEqual(['accepted alert dialog "Hello there"', 'dismissed confirm dialog "Delete everything?"', 'dismissed prompt dialog "Your name?"']);
    expect(dialogs.slice(3)).toEqual(['accepted alert dialog "spam 0"', 'accepted alert dialog "spam 1"', 'accepted alert dialog "spam 2"', 'accepted alert dialog "spam 3"', 'accepted alert dialog "spam 4"']);
  });

  it('ends the wait of a click that starts a (denied) download', async () => {
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/files` }), act({ action: 'click', index: 1 }), act({ action: 'done', result: 'clicked' }));
    const result = await make({ navigationTimeoutMs: 60_000, stepTimeoutMs: 60_000 }).execute({ instruction: 'download the report' }, { onProgress });
    expect(result.success).toBe(true);
    expect(model.prompts()[2]).toContain('click [1] "Download the report" -> clicked');
  });

  it('types a password without showing it in progress or to the model', async () => {
    model.fake.script.chat(
      act({ action: 'navigate', url: `${shop.url}/signin` }),
      act({ actions: [{ action: 'type', index: 1, text: 'ada' }, { action: 'type', index: 2, text: PASSWORD, submit: true }] }),
      act({ action: 'done', result: 'signed in' }),
    );
    const result = await make().execute({ instruction: `Sign in as ada with password ${PASSWORD}` }, { onProgress });
    expect(result.success).toBe(true);
    expect(shop.orders.find((o) => o.number === 'login')?.fields).toEqual({ user: 'ada', pw: PASSWORD });
    expect(actions()).toContain('type the password given in the task into [2] "Password" and submit');
    expect(JSON.stringify(progress)).not.toContain(PASSWORD);
    const last = model.prompts()[2] ?? '';
    expect(last).toContain('typed the password given in the task and pressed Enter; now on "Signed in"');
    expect(last.slice(last.indexOf('PREVIOUS ACTIONS'))).not.toContain(PASSWORD);
  });

  it('numbers elements under a random attribute, so a page cannot pre-claim an index', async () => {
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/spoof` }));
    model.fake.script.defaultChat((body) => {
      const text = JSON.stringify(body.messages);
      if (text.includes('clicked')) return act({ action: 'done', result: /(\w+) clicked/.exec(text)?.[0] ?? '?' });
      const index = /\[(\d+)\] button \\"Safe B\\"/.exec(text)?.[1];
      return act(index ? { action: 'click', index: Number(index) } : { action: 'fail', reason: 'no Safe B' });
    });
    const result = await make().execute({ instruction: 'press Safe B' }, { onProgress });
    expect(result).toMatchObject({ success: true, summary: 'B clicked' });
    const snapshot = model.prompts()[1] ?? '';
    expect(snapshot).toContain('[1] button "Delete account"\n[2] button "Safe A"\n[3] button "Safe B"');
    expect(snapshot.length).toBeLessThan(9000); // bounded although the page broke String.prototype.slice
  });

  it('runs concurrent tasks to the end, at most maxConcurrentTasks browsing at once', async () => {
    const browser = make({ maxConcurrentTasks: 1 });
    let most = 0;
    model.fake.script.defaultChat((body) => {
      most = Math.max(most, browser.openContexts);
      const text = JSON.stringify(body.messages);
      const task = /TASK: open (\w+)/.exec(text)?.[1] ?? '?';
      return act(text.includes('URL: about:blank') ? { action: 'navigate', url: `${shop.url}/${task}` } : { action: 'done', result: `opened ${task}` });
    });
    const [a, b] = await Promise.all([browser.execute({ instruction: 'open news' }), browser.execute({ instruction: 'open files' })]);
    expect(a).toMatchObject({ success: true, summary: 'opened news' });
    expect(b).toMatchObject({ success: true, summary: 'opened files' });
    expect(most).toBe(1);
    expect(browser.openContexts).toBe(0);
  });

  (process.getuid?.() === 0 ? it : it.skip)('does not drop the sandbox silently: a launch that needs --no-sandbox fails with the hint (as root)', async () => {
    const session = new BrowserSession({ executablePath: () => findProgram('chromium'), headless: true, idleCloseMs: 60_000, launchTimeoutMs: 30_000, protocolTimeoutMs: 30_000, noSandbox: false });
    await expect(session.openContext()).rejects.toThrow(SANDBOX_HINT);
    expect(SANDBOX_HINT).toContain('NEKO_CHROMIUM_NO_SANDBOX=1');
    expect(session.browserPid()).toBeUndefined();
    expect(session.openContexts).toBe(0);
    await session.close();
  });
});
