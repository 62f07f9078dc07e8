import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelProgress } from '../../src/agent/adapters/agent-channel.port';
import { BrowserUseAdapter, type BrowserUseOptions } from '../../src/agent/adapters/browser/browser-use.adapter';
import { AgentLlmError, type AgentLlmCallOptions, type AgentLlmPort, type AgentLlmReadiness, type ChatCompletionMessage } from '../../src/agent/llm/agent-llm.port';
import { OpenAiChatCompletionAdapter } from '../../src/shared/llm/openai-chat-completion.adapter';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { waitFor } from '../support/free-port';
import { describeWithPrograms } from '../support/system-deps';

/** The smallest AgentLlmPort: the real OpenAI adapter pointed at the fake provider, JSON read after a fence strip. */
class FakeProviderLlm implements AgentLlmPort {
  private readonly chat = new OpenAiChatCompletionAdapter();
  constructor(
    private readonly baseUrl: string,
    readonly state: { readiness: AgentLlmReadiness } = { readiness: { ready: true, reason: '' } },
  ) {}
  complete(_tier: 'summary' | 'agent', messages: readonly ChatCompletionMessage[], o: AgentLlmCallOptions = {}): Promise<string> {
    const endpoint = { model: 'gpt-4.1-mini', apiKey: 'sk-test', baseUrl: this.baseUrl };
    return this.chat.complete(endpoint, messages, { temperature: o.temperature, maxTokens: o.maxTokens, timeoutMs: o.timeoutMs });
  }
  async completeJson(tier: 'summary' | 'agent', messages: readonly ChatCompletionMessage[], o?: AgentLlmCallOptions): Promise<unknown> {
    const text = (await this.complete(tier, messages, o)).replace(/^\s*```(?:json)?|```\s*$/g, '');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AgentLlmError('the reply held no JSON', 'parse');
    }
  }
  readiness(): Promise<AgentLlmReadiness> {
    return Promise.resolve(this.state.readiness);
  }
  invalidate(): void {}
}

type Order = { fields: Record<string, string>; number: string };

const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A two-page order form; the confirmation shows an order number only the server knows. */
async function startShop(): Promise<{ url: string; orders: Order[]; hangingClosed: () => boolean; close: () => Promise<void> }> {
  const orders: Order[] = [];
  let hangOpen = false;
  let hangClosed = false;
  const readForm = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    return Object.fromEntries(new URLSearchParams(body));
  };
  const http: Server = createServer((req, res) => {
    const send = (html: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    const route = async () => {
      if (req.method === 'GET' && req.url === '/') {
        send(page('Neko Shop - Your details', `<h1>Your details</h1><form method="post" action="/step2">
          <label for="name">Full name</label><input id="name" name="name" type="text" placeholder="Ada Lovelace">
          <label for="email">Email</label><input id="email" name="email" type="email">
          <button type="submit">Next</button></form>`));
      } else if (req.method === 'POST' && req.url === '/step2') {
        const f = await readForm(req);
        send(page('Neko Shop - Options', `<h1>Options</h1><form method="post" action="/submit">
          <input type="hidden" name="name" value="${esc(f.name ?? '')}"><input type="hidden" name="email" value="${esc(f.email ?? '')}">
          <label for="plan">Plan</label><select id="plan" name="plan"><option value="basic">Basic</option><option value="pro">Pro</option><option value="team">Team</option></select>
          <label><input type="checkbox" name="gift" value="yes"> Gift wrap</label>
          <button type="submit">Submit order</button></form>`));
      } else if (req.method === 'POST' && req.url === '/submit') {
        const order = { fields: await readForm(req), number: `NK-${randomInt(100_000, 999_999)}` };
        orders.push(order);
        send(page('Order confirmed', `<h1>Thank you!</h1><p>Your order number is <strong>${order.number}</strong>.</p><a href="/">Start over</a>`));
      } else if (req.url === '/many') {
        const links = Array.from({ length: 400 }, (_, i) => `<li><a href="/item/${i + 1}">Item number ${i + 1}</a></li>`).join('');
        send(page('Catalogue', `<p>${'Lots of words on this page. '.repeat(400)}</p><ul>${links}</ul>`));
      } else if (req.url === '/live') {
        send(page('Live feed', `<p>Waiting for news…</p><script>fetch('/hang').catch(function () {});</script>`));
      } else if (req.url === '/hang') {
        hangOpen = true;
        req.socket.on('close', () => (hangClosed = true)); // never answered: only a closed page ends it
      } else {
        res.writeHead(404).end();
      }
    };
    route().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    orders,
    hangingClosed: () => hangOpen && hangClosed,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

const act = (action: Record<string, unknown>) => ({ content: JSON.stringify(action) });

describeWithPrograms(['chromium'])('browser-use channel (headless Chromium, fake model)', () => {
  jest.setTimeout(90_000);
  let fake: FakeOpenAi;
  let shop: Awaited<ReturnType<typeof startShop>>;
  let adapter: BrowserUseAdapter | undefined;
  const progress: ChannelProgress[] = [];
  const make = (options: Partial<BrowserUseOptions> = {}, llm: AgentLlmPort = new FakeProviderLlm(fake.baseUrl)) =>
    (adapter = new BrowserUseAdapter(llm, { stepTimeoutMs: 20_000, ...options }));
  const onProgress = (p: ChannelProgress) => progress.push(p);
  /** The user message of every chat request so far. */
  const prompts = () =>
    fake.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => (r.body?.messages as Array<{ role: string; content: string }>).find((m) => m.role === 'user')?.content ?? '');
  const actionMessages = () => progress.filter((p) => p.stage === 'action').map((p) => p.message);

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    shop = await startShop();
  });
  beforeEach(() => {
    fake.script.reset();
    fake.clearRequests();
    progress.length = 0;
  });
  afterEach(async () => {
    await adapter?.onModuleDestroy();
    adapter = undefined;
  });
  afterAll(async () => {
    await fake.close();
    await shop.close();
  });

  it('reports AGENT_BROWSER_USE_NOT_INSTALLED without a browser, else the agent model readiness', async () => {
    const missing = make({ executablePath: '/nonexistent/chromium' });
    await expect(missing.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_BROWSER_USE_NOT_INSTALLED' });
    expect((await missing.describe()).problems[0]?.source).toBe('chromium');
    const result = await missing.execute({ instruction: 'open example.com' });
    expect(result).toMatchObject({ success: false });
    expect(fake.requests).toHaveLength(0);

    const llm = new FakeProviderLlm(fake.baseUrl, { readiness: { ready: false, reason: 'AGENT_KEY_NOT_CONFIGURED' } });
    const present = make({}, llm);
    await expect(present.readiness()).resolves.toEqual({ ready: false, reason: 'AGENT_KEY_NOT_CONFIGURED' });
    llm.state.readiness = { ready: true, reason: '' };
    await expect(present.readiness()).resolves.toEqual({ ready: true, reason: '' });
    const { actions } = await present.describe();
    expect(actions.map((a) => a.name)).toEqual(['browse']);
    expect(present.browserPid()).toBeUndefined(); // readiness never launches Chromium
  });

  it('fills a two-page form from snapshots, submits it and reports the order number read from the page', async () => {
    fake.script.chat(
      act({ action: 'navigate', url: `${shop.url}/` }),
      act({ actions: [{ action: 'type', index: 1, text: 'Ada Lovelace' }, { action: 'type', index: 2, text: 'ada@example.com' }] }),
      act({ action: 'click', index: 3 }),
      act({ action: 'select', index: 1, value: 'Pro' }),
      act({ action: 'click', index: 2 }),
      act({ action: 'click', index: 3 }),
      act({ action: 'extract' }),
    );
    // The last turn "reads" the order number from the snapshot it is sent, as a model would.
    fake.script.defaultChat((body) => {
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
    expect(sent[7]).toContain(`RECORDED INFORMATION:\nFrom Order confirmed (${shop.url}/submit)`);

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
    fake.script.chat(
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
    fake.script.chat(act({ action: 'navigate', url: `${shop.url}/` }), act({ action: 'extract' }), act({ action: 'scroll', direction: 'down' }));
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
    fake.script.chat(act({ action: 'navigate', url: `${shop.url}/many` }), act({ action: 'done', result: 'seen' }));
    const result = await make().execute({ instruction: 'open the catalogue' });
    expect(result.success).toBe(true);
    const snapshot = /CURRENT PAGE:\n([\s\S]*)\n\nReply with/.exec(prompts()[1] ?? '')?.[1] ?? '';
    expect(snapshot).toContain('[1] link "Item number 1" -> /item/1');
    expect(snapshot).not.toContain('"Item number 151"');
    expect(snapshot).toMatch(/\((2[5-9]\d|3\d\d) more elements not shown; scroll to reach them\)/);
    expect(snapshot.length).toBeLessThanOrEqual(8000);
    expect(snapshot).toContain('Visible text:\nLots of words');
  });

  it('relaunches Chromium after it crashed', async () => {
    const browser = make();
    fake.script.chat(act({ action: 'done', result: 'first' }));
    await expect(browser.execute({ instruction: 'nothing' })).resolves.toMatchObject({ success: true, summary: 'first' });
    const first = browser.browserPid() ?? 0;
    process.kill(first, 'SIGKILL');
    await waitFor(() => browser.browserPid() === undefined, 'the crash to be noticed');
    fake.script.chat(act({ action: 'navigate', url: `${shop.url}/` }), act({ action: 'done', result: 'second' }));
    await expect(browser.execute({ instruction: 'open the shop' })).resolves.toMatchObject({ success: true, summary: 'second' });
    expect(browser.browserPid()).toBeGreaterThan(0);
    expect(browser.browserPid()).not.toBe(first);
  });

  it('ends at the task deadline with an error, the context closed', async () => {
    fake.script.chat(act({ action: 'navigate', url: `${shop.url}/` }), { ...act({ action: 'back' }), delayMs: 60_000 });
    const browser = make();
    const result = await browser.execute({ instruction: 'wait forever', timeoutMs: 8000 }, { onProgress });
    expect(result).toMatchObject({ success: false, error: 'timed out after 8000 ms', summary: 'Browser task timed out' });
    expect(browser.openContexts).toBe(0);
  });

  it('cancels mid-run: returns "cancelled" and closes the task browser context at once', async () => {
    fake.script.chat(act({ action: 'navigate', url: `${shop.url}/live` }), { ...act({ action: 'scroll' }), delayMs: 60_000 });
    const browser = make();
    const abort = new AbortController();
    const running = browser.execute({ instruction: 'watch the live feed' }, { signal: abort.signal, onProgress });
    await waitFor(() => prompts().length === 2, 'the second model call', 30_000);
    expect(browser.openContexts).toBe(1);
    expect(shop.hangingClosed()).toBe(false);
    abort.abort();
    const result = await running;
    expect(result).toMatchObject({ success: false, error: 'cancelled' });
    expect(browser.openContexts).toBe(0);
    // the page's pending request dies with its context
    await waitFor(() => shop.hangingClosed(), 'the page connection to close', 10_000);
    expect(actionMessages()).toEqual([`navigate ${shop.url}/live`]);
  });
});

function alive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}
