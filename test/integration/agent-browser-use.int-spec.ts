import type { ChannelProgress } from '../../src/agent/adapters/agent-channel.port';
import { BrowserUseAdapter, type BrowserUseOptions } from '../../src/agent/adapters/browser/browser-use.adapter';
import { UNTRUSTED_CLOSE, UNTRUSTED_OPEN } from '../../src/agent/llm/untrusted-text.util';
import { waitFor } from '../support/free-port';
import { describeWithPrograms } from '../support/system-deps';
import { act, alive, startModel, startShop, type ModelFixture, type Shop } from './agent-browser.fixture';

describeWithPrograms(['chromium'])('browser-use channel (headless Chromium, fake model)', () => {
  jest.setTimeout(90_000);
  let model: ModelFixture;
  let shop: Shop;
  const adapters: BrowserUseAdapter[] = [];
  const progress: ChannelProgress[] = [];
  // The shop runs on 127.0.0.1: allowed as a local host the operator listed.
  const make = (options: Partial<BrowserUseOptions> = {}) =>
    adopt(new BrowserUseAdapter(model.llm, { stepTimeoutMs: 20_000, allowedPrivateHosts: [shop.host], ...options }));
  const onProgress = (p: ChannelProgress) => progress.push(p);
  const adopt = (a: BrowserUseAdapter) => (adapters.push(a), a);
  const prompts = () => model.prompts();
  const actionMessages = () => progress.filter((p) => p.stage === 'action').map((p) => p.message);

  beforeAll(async () => {
    model = await startModel();
    shop = await startShop();
  });
  beforeEach(() => {
    model.fake.script.reset();
    model.fake.clearRequests();
    model.writeConfig(true);
    progress.length = 0;
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.onModuleDestroy()));
  });
  afterAll(async () => {
    await model.close();
    await shop.close();
  });

  it('reports AGENT_BROWSER_USE_NOT_INSTALLED without a browser, else the agent model readiness', async () => {
    const missing = make({ executablePath: '/nonexistent/chromium' });
    await expect(missing.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_BROWSER_USE_NOT_INSTALLED' });
    expect((await missing.describe()).problems[0]?.source).toBe('chromium');
    const result = await missing.execute({ instruction: 'open example.com' });
    expect(result).toMatchObject({ success: false });
    expect(model.fake.requests).toHaveLength(0);

    model.writeConfig(false);
    const present = make();
    await expect(present.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_KEY_NOT_CONFIGURED' });
    model.writeConfig(true);
    model.llm.invalidate();
    await expect(present.readiness()).resolves.toEqual({ ready: true, reason: '' }); // after a 5-token probe
    expect(prompts()).toEqual(['ping']);
    const { actions } = await present.describe();
    expect(actions.map((a) => a.name)).toEqual(['browse']);
    expect(present.browserPid()).toBeUndefined(); // readiness never launches Chromium
  });

  it('fills a two-page form from snapshots, submits it and reports the order number read from the page', async () => {
    model.fake.script.chat(
      act({ action: 'navigate', url: `${shop.url}/` }),
      act({ actions: [{ action: 'type', index: 1, text: 'Ada Lovelace' }, { action: 'type', index: 2, text: 'ada@example.com' }] }),
      act({ action: 'click', index: 3 }),
      act({ action: 'select', index: 1, value: 'Pro' }),
      act({ action: 'click', index: 2 }),
      act({ action: 'click', index: 3 }),
      act({ action: 'extract' }),
    );
    // The last turn "reads" the order number from the snapshot it is sent, as a model would.
    model.fake.script.defaultChat((body) => {
      const text = JSON.stringify(body.messages);
      const order = /order number is (NK-\d+)/.exec(text)?.[1];
      return act(order ? { action: 'done', result: `Order placed; the order number is ${order}.` } : { action: 'fail', reason: 'no order number' });
    });
    const browser = make();
    const result = await browser.execute({ instruction: 'Order the Pro plan with gift wrap for Ada Lovelace, ada@example.com' }, { onProgress });

    expect(shop.orders).toHaveLength(1);
    const [order] = shop.orders;
    expect(order?.fields).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', plan: 'pro', gift: 'yes' });
    expect(result.success).toBe(true);
    expect(result.summary).toBe(`Order placed; the order number is ${order?.number}.`);
    expect(result.detail).toContain(`Your order number is ${order?.number}`); // the extracted page text

    const sent = prompts();
    expect(sent).toHaveLength(8);
    expect(sent[0]).toContain('URL: about:blank');
    expect(sent[1]).toContain('Title: Neko Shop - Your details');
    expect(sent[1]).toContain('[1] input type=text name="name" label="Full name" placeholder="Ada Lovelace" value=""');
    expect(sent[1]).toContain('[3] button "Next"');
    expect(sent[2]).toContain('value="ada@example.com"');
    expect(sent[3]).toContain('[1] select name="plan" label="Plan" options=["Basic","Pro","Team"] selected="Basic"');
    expect(sent[5]).toContain('[2] checkbox name="gift" label="Gift wrap" value="yes" checked');
    expect(sent[7]).toContain(`RECORDED INFORMATION:\n${UNTRUSTED_OPEN}\nFrom Order confirmed (${shop.url}/submit)`);
    // page content reaches the model only between the untrusted-content markers
    expect(sent[1]).toMatch(new RegExp(`CURRENT PAGE:\\n${UNTRUSTED_OPEN}\\nURL: [^\\n]+\\n[\\s\\S]*\\n${UNTRUSTED_CLOSE}\\n\\nReply with`));
    expect(sent[1]?.indexOf('TASK: Order the Pro plan')).toBeLessThan(sent[1]?.indexOf(UNTRUSTED_OPEN) ?? 0);

    expect(actionMessages()).toEqual([
      `navigate ${shop.url}/`,
      'type "Ada Lovelace" into [1] "Full name"',
      'type "ada@example.com" into [2] "Email"',
      'click [3] "Next"',
      'select "Pro" in [1] "Plan"',
      'click [2] "Gift wrap"',
      'click [3] "Submit order"',
      'extract page content',
      `done: Order placed; the order number is ${order?.number}.`,
    ]);
    const steps = progress.filter((p) => p.stage === 'step');
    expect(steps).toHaveLength(8);
    expect(steps[7]?.progress).toBeCloseTo(8 / 20);

    expect(browser.openContexts).toBe(0);
    const pid = browser.browserPid();
    expect(pid).toBeGreaterThan(0);
    await browser.onModuleDestroy();
    expect(browser.browserPid()).toBeUndefined();
    await waitFor(() => !alive(pid ?? 0), 'Chromium to exit');
  });

  it('feeds action errors back to the model: a bad URL, a missing index, then fail', async () => {
    model.fake.script.chat(
      act({ action: 'navigate', url: 'file:///etc/passwd' }),
      act({ action: 'navigate', url: `${shop.url}/` }),
      act({ action: 'click', index: 99 }),
      { content: 'I am not sure what to do.' },
      act({ action: 'fail', reason: 'there is no such button' }),
    );
    const result = await make().execute({ instruction: 'press the big red button' }, { onProgress });
    const sent = prompts();
    expect(sent).toHaveLength(5);
    expect(sent[1]).toContain('navigate file:///etc/passwd -> error: file: URLs are not allowed');
    expect(sent[3]).toContain('click [99] -> error: no element with index 99 on this page');
    expect(sent[4]).toContain('(invalid reply) -> error: the reply was not JSON');
    expect(result).toMatchObject({ success: false, error: 'there is no such button' });
    expect(result.summary).toContain('there is no such button');
  });

  it('stops at the step limit with the information gathered so far', async () => {
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/` }), act({ action: 'extract' }), act({ action: 'scroll', direction: 'down' }));
    const browser = make({ maxSteps: 3, idleCloseMs: 200 });
    const result = await browser.execute({ instruction: 'look around' }, { onProgress });
    expect(result).toMatchObject({ success: false, error: 'step limit reached' });
    expect(result.detail).toContain('From Neko Shop - Your details');
    expect(result.detail).toContain('Full name');
    expect(prompts()).toHaveLength(3);
    expect(actionMessages()).toEqual([`navigate ${shop.url}/`, 'extract page content', 'scroll down']);
    // idle: the browser closes on its own
    await waitFor(() => browser.browserPid() === undefined, 'the idle browser to close', 10_000);
  });

  it('bounds the snapshot of a large page', async () => {
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/many` }), act({ action: 'done', result: 'seen' }));
    const result = await make().execute({ instruction: 'open the catalogue' });
    expect(result.success).toBe(true);
    const snapshot = new RegExp(`CURRENT PAGE:\\n${UNTRUSTED_OPEN}\\n([\\s\\S]*)\\n${UNTRUSTED_CLOSE}`).exec(prompts()[1] ?? '')?.[1] ?? '';
    expect(snapshot).toContain('[1] link "Item number 1" -> /item/1');
    expect(snapshot).not.toContain('"Item number 151"');
    expect(snapshot).toMatch(/\((2[5-9]\d|3\d\d) more elements not shown; scroll to reach them\)/);
    expect(snapshot.length).toBeLessThanOrEqual(8000);
    expect(snapshot).toContain('Visible text:\nLots of words');
  });

  it('relaunches Chromium after it crashed', async () => {
    const browser = make();
    model.fake.script.chat(act({ action: 'done', result: 'first' }));
    await expect(browser.execute({ instruction: 'nothing' })).resolves.toMatchObject({ success: true, summary: 'first' });
    const first = browser.browserPid() ?? 0;
    process.kill(first, 'SIGKILL');
    await waitFor(() => browser.browserPid() === undefined, 'the crash to be noticed');
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/` }), act({ action: 'done', result: 'second' }));
    await expect(browser.execute({ instruction: 'open the shop' })).resolves.toMatchObject({ success: true, summary: 'second' });
    expect(browser.browserPid()).toBeGreaterThan(0);
    expect(browser.browserPid()).not.toBe(first);
  });

  it('ends at the task deadline with an error, the context closed', async () => {
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/` }), { ...act({ action: 'back' }), delayMs: 60_000 });
    const browser = make();
    const result = await browser.execute({ instruction: 'wait forever', timeoutMs: 8000 }, { onProgress });
    expect(result).toMatchObject({ success: false, error: 'timed out after 8000 ms', summary: 'Browser task timed out' });
    expect(browser.openContexts).toBe(0);
  });

  it('stops an action that outlives the step timeout and goes on in a fresh page', async () => {
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/busy` }), act({ action: 'click', index: 1 }), act({ action: 'navigate', url: `${shop.url}/` }), act({ action: 'done', result: 'recovered' }));
    const browser = make({ stepTimeoutMs: 3000 });
    const result = await browser.execute({ instruction: 'press freeze, then open the shop' }, { onProgress });
    expect(result).toMatchObject({ success: true, summary: 'recovered' });
    const sent = prompts();
    expect(sent[2]).toContain('click [1] "Freeze" -> error: the action took longer than 3000 ms and was stopped; the page stopped responding, so it was closed and a blank page opened');
    expect(sent[2]).toContain('URL: about:blank');
    expect(sent[3]).toContain('Title: Neko Shop - Your details');
    expect(browser.openContexts).toBe(0);
  });

  it('cancels mid-run: returns "cancelled" and closes the task browser context at once', async () => {
    model.fake.script.chat(act({ action: 'navigate', url: `${shop.url}/live` }), { ...act({ action: 'scroll' }), delayMs: 60_000 });
    const browser = make();
    const abort = new AbortController();
    const running = browser.execute({ instruction: 'watch the live feed' }, { signal: abort.signal, onProgress });
    await waitFor(() => prompts().length === 2, 'the second model call', 30_000);
    expect(browser.openContexts).toBe(1);
    expect(shop.hangingClosed()).toBe(false);
    const hungUp = model.hungUp();
    abort.abort();
    const result = await running;
    expect(result).toMatchObject({ success: false, error: 'cancelled' });
    expect(browser.openContexts).toBe(0);
    // the pending model call was abandoned on the wire, and no call followed it
    await waitFor(() => model.hungUp() === hungUp + 1, 'the model connection to close', 10_000);
    expect(prompts()).toHaveLength(2);
    // the page's pending request dies with its context
    await waitFor(() => shop.hangingClosed(), 'the page connection to close', 10_000);
    expect(actionMessages()).toEqual([`navigate ${shop.url}/live`]);
  });
});
