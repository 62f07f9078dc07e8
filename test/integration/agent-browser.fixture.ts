/**
 * Shared pieces of the browser-use integration specs: the real AgentLlmService over a temp data
 * folder whose core_config.json points the `agent` tier at the fake OpenAI server (through a
 * pass-through proxy that notices a client hanging up), and a small web shop on 127.0.0.1.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmService } from '../../src/agent/llm/agent-llm.service';
import { CoreConfigService } from '../../src/shared/config/core-config.service';
import { dataFolderAt } from '../../src/shared/data/data-folder';
import { OpenAiChatCompletionAdapter } from '../../src/shared/llm/openai-chat-completion.adapter';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';

export const KEY = 'sk-test';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Forwards to `target`; counts responses whose client went away before the answer was complete. */
async function startProxy(target: string): Promise<{ url: string; hungUp: () => number; close: () => Promise<void> }> {
  let hungUp = 0;
  const server = createServer((req, res) => {
    const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) hungUp++;
      upstream.destroy();
    });
    req.pipe(upstream);
  });
  const url = await listen(server);
  return { url, hungUp: () => hungUp, close: () => shut(server) };
}

export interface ModelFixture {
  readonly fake: FakeOpenAi;
  readonly llm: AgentLlmService;
  /** Responses the model client abandoned (a cancelled call closes its connection). */
  readonly hungUp: () => number;
  /** Rewrites core_config.json: `configured` points the agent tier at the fake, otherwise no usable agent model. */
  writeConfig(configured: boolean): void;
  /** The user message of every chat request so far. */
  prompts(): string[];
  close(): Promise<void>;
}

export async function startModel(): Promise<ModelFixture> {
  const fake = await startFakeOpenAi({ apiKey: KEY });
  const proxy = await startProxy(fake.url);
  const root = mkdtempSync(join(tmpdir(), 'neko-browser-use-'));
  mkdirSync(join(root, 'config'), { recursive: true });
  const writeConfig = (configured: boolean) => {
    const agent = { enableCustomApi: true, agentModelUrl: `${proxy.url}/v1`, agentModelId: 'fake-agent', agentModelApiKey: KEY };
    // Not configured: the agent tier falls back to the assist provider's vision model, which has no key.
    writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify({ coreApi: 'qwen', assistApi: 'qwen', ...(configured ? agent : {}) }));
  };
  writeConfig(true);
  const llm = new AgentLlmService(new CoreConfigService(dataFolderAt(root)), new OpenAiChatCompletionAdapter(), { retryDelaysMs: [0, 0] });
  return {
    fake,
    llm,
    hungUp: proxy.hungUp,
    writeConfig,
    prompts: () =>
      fake.requests
        .filter((r) => r.path.endsWith('/chat/completions'))
        .map((r) => (r.body?.messages as Array<{ role: string; content: string }>).find((m) => m.role === 'user')?.content ?? ''),
    close: async () => {
      await proxy.close();
      await fake.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export type Order = { fields: Record<string, string>; number: string };

export const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return Object.fromEntries(new URLSearchParams(body));
}

/** A two-page order form (the confirmation shows an order number only the server knows), and a few more pages. */
export async function startShop(extra: (req: IncomingMessage, res: ServerResponse) => boolean = () => false) {
  const orders: Order[] = [];
  let hangOpen = false;
  let hangClosed = false;
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
      } else if (req.method === 'POST' && req.url === '/login') {
        const f = await readForm(req);
        orders.push({ fields: f, number: 'login' });
        send(page('Signed in', `<p>Welcome back, ${esc(f.user ?? '')}.</p>`));
      } else if (req.url === '/many') {
        const links = Array.from({ length: 400 }, (_, i) => `<li><a href="/item/${i + 1}">Item number ${i + 1}</a></li>`).join('');
        send(page('Catalogue', `<p>${'Lots of words on this page. '.repeat(400)}</p><ul>${links}</ul>`));
      } else if (req.url === '/busy') {
        send(page('Busy page', `<button onclick="for (;;) {}">Freeze</button>`));
      } else if (req.url === '/live') {
        send(page('Live feed', `<p>Waiting for news…</p><script>fetch('/hang').catch(function () {});</script>`));
      } else if (req.url === '/hang') {
        hangOpen = true;
        req.socket.on('close', () => (hangClosed = true)); // never answered: only a closed page ends it
      } else if (!extra(req, res)) {
        res.writeHead(404).end();
      }
    };
    route().catch(() => res.writeHead(500).end());
  });
  const url = await listen(http);
  return { url, host: new URL(url).host, orders, hangingClosed: () => hangOpen && hangClosed, close: () => shut(http) };
}

export type Shop = Awaited<ReturnType<typeof startShop>>;

export const act = (action: Record<string, unknown>) => ({ content: JSON.stringify(action) });

export function alive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}
