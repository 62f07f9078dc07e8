/**
 * Carries out one model action on the page with puppeteer. Errors never escape: they become the
 * outcome text the model reads in the next step, so it can try something else.
 */
import type { ElementHandle, HTTPRequest, Page } from 'puppeteer-core';
import { boundText } from '../agent-channel.port';
import { checkUrl, type BrowserAction } from './browser-action.parser';
import { elementLabel, INDEX_ATTRIBUTE, pageText, type PageSnapshot } from './page.snapshot';

export interface ActionEnvironment {
  readonly page: Page;
  /** The snapshot the model decided on (for element names in messages). */
  readonly snapshot: PageSnapshot | undefined;
  readonly navigationTimeoutMs: number;
  readonly allowFileUrls: boolean;
  /** Characters of page text one `extract` records. */
  readonly extractChars: number;
}

export interface ActionOutcome {
  readonly ok: boolean;
  readonly outcome: string;
  /** The document changed: later actions of the same reply would use stale indices. */
  readonly navigated: boolean;
  /** Information recorded by `extract`. */
  readonly gathered?: string;
}

type ExecutableAction = Exclude<BrowserAction, { action: 'done' } | { action: 'fail' }>;

const OUTCOME_CHARS = 400;
/** How long to look for a navigation started by a click or Enter before treating the page as settled. */
const SETTLE_MS = 400;

/** Progress text of an action, e.g. `click [3] "Submit"`. */
export function describeAction(action: BrowserAction, snapshot: PageSnapshot | undefined): string {
  switch (action.action) {
    case 'navigate':
      return boundText(`navigate ${action.url}`, 200);
    case 'click':
      return `click ${elementLabel(snapshot, action.index)}`;
    case 'type':
      return boundText(`type ${JSON.stringify(boundText(action.text, 60))} into ${elementLabel(snapshot, action.index)}${action.submit ? ' and submit' : ''}`, 200);
    case 'select':
      return boundText(`select ${JSON.stringify(action.value)} in ${elementLabel(snapshot, action.index)}`, 200);
    case 'scroll':
      return `scroll ${action.direction}`;
    case 'extract':
      return 'extract page content';
    case 'back':
      return 'go back';
    case 'done':
      return boundText(`done: ${action.result}`, 200);
    case 'fail':
      return boundText(`give up: ${action.reason}`, 200);
  }
}

export async function runAction(action: ExecutableAction, env: ActionEnvironment): Promise<ActionOutcome> {
  try {
    return await perform(action, env);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, outcome: boundText(`error: ${message.split('\n', 1)[0]}`, OUTCOME_CHARS), navigated: false };
  }
}

async function perform(action: ExecutableAction, env: ActionEnvironment): Promise<ActionOutcome> {
  const { page } = env;
  switch (action.action) {
    case 'navigate': {
      const checked = checkUrl(action.url, env.allowFileUrls);
      if ('error' in checked) return { ok: false, outcome: `error: ${checked.error}`, navigated: false };
      const response = await page.goto(checked.url, { waitUntil: 'domcontentloaded', timeout: env.navigationTimeoutMs });
      await quietNetwork(page);
      const status = response ? ` (HTTP ${response.status()})` : '';
      return ok(`opened ${JSON.stringify(boundText(await page.title(), 100))}${status}`, true);
    }
    case 'click': {
      const el = await element(page, action.index);
      if (typeof el === 'string') return fail(el);
      const nav = await withNavigation(page, env.navigationTimeoutMs, async () => {
        await el.scrollIntoView().catch(() => undefined);
        try {
          await el.click();
        } catch {
          // covered or zero-size elements: a DOM click still runs the page's handlers
          await page.evaluate(`document.querySelector('[${INDEX_ATTRIBUTE}="${action.index}"]').click()`);
        }
      });
      return ok(nav ? `clicked; now on ${JSON.stringify(boundText(await page.title(), 100))}` : 'clicked', nav);
    }
    case 'type': {
      const el = await element(page, action.index);
      if (typeof el === 'string') return fail(el);
      const cleared: unknown = await page.evaluate(`(function (el) {
        if (!el) return 'missing';
        var tag = el.tagName.toLowerCase(), type = (el.getAttribute('type') || 'text').toLowerCase();
        if (el.isContentEditable) { el.textContent = ''; return 'ok'; }
        if (tag === 'textarea' || (tag === 'input' && !/^(checkbox|radio|submit|button|reset|image|file|hidden|range|color)$/.test(type))) {
          el.value = ''; el.dispatchEvent(new Event('input', { bubbles: true })); return 'ok';
        }
        return tag + (tag === 'input' ? ' type=' + type : '');
      })(document.querySelector('[${INDEX_ATTRIBUTE}="${action.index}"]'))`);
      if (cleared !== 'ok') return fail(`element [${action.index}] is a ${String(cleared)}, not a text field (use click or select)`);
      await el.type(action.text);
      if (!action.submit) return ok(`typed ${action.text.length} characters`, false);
      const nav = await withNavigation(page, env.navigationTimeoutMs, () => el.press('Enter'));
      return ok(`typed ${action.text.length} characters and pressed Enter${nav ? `; now on ${JSON.stringify(boundText(await page.title(), 100))}` : ''}`, nav);
    }
    case 'select': {
      const el = await element(page, action.index);
      if (typeof el === 'string') return fail(el);
      const wanted = JSON.stringify(action.value.toLowerCase());
      const found: unknown = await page.evaluate(`(function (el) {
        if (!el || el.tagName.toLowerCase() !== 'select') return { error: 'not a select element (use click)' };
        var opts = Array.prototype.slice.call(el.options);
        var hit = opts.find(function (o) { return o.value.toLowerCase() === ${wanted}; })
          || opts.find(function (o) { return o.text.trim().toLowerCase() === ${wanted}; })
          || opts.find(function (o) { return o.text.trim().toLowerCase().indexOf(${wanted}) >= 0; });
        return hit ? { value: hit.value, text: hit.text.trim() } : { error: 'no option ' + ${JSON.stringify(JSON.stringify(action.value))} + '; options: ' + opts.slice(0, 20).map(function (o) { return o.text.trim(); }).join(', ') };
      })(document.querySelector('[${INDEX_ATTRIBUTE}="${action.index}"]'))`);
      const res = (found ?? {}) as { value?: string; text?: string; error?: string };
      if (res.error !== undefined || res.value === undefined) return fail(`element [${action.index}]: ${res.error ?? 'cannot select'}`);
      const value = res.value;
      const nav = await withNavigation(page, env.navigationTimeoutMs, async () => {
        await el.select(value);
      });
      return ok(`selected ${JSON.stringify(res.text ?? value)}`, nav);
    }
    case 'scroll': {
      const sign = action.direction === 'up' ? -1 : 1;
      const pct: unknown = await page.evaluate(`(function () {
        window.scrollBy(0, ${sign} * Math.round(window.innerHeight * 0.8));
        var max = Math.max(1, document.documentElement.scrollHeight - window.innerHeight);
        return Math.round(Math.min(1, window.scrollY / max) * 100);
      })()`);
      return ok(`scrolled ${action.direction}; now at ${Number(pct)}%`, false);
    }
    case 'extract': {
      const text = await pageText(page, env.extractChars);
      const source = `${boundText(await page.title(), 100)} (${boundText(page.url(), 200)})`;
      const gathered = action.text ? `${action.text}\n[from ${source}]` : `From ${source}: ${text}`;
      return { ok: true, outcome: `recorded ${gathered.length} characters of information`, navigated: false, gathered };
    }
    case 'back': {
      const response = await page.goBack({ waitUntil: 'domcontentloaded', timeout: env.navigationTimeoutMs });
      if (!response && page.url() === 'about:blank') return fail('there is no previous page');
      await quietNetwork(page);
      return ok(`went back to ${JSON.stringify(boundText(await page.title(), 100))}`, true);
    }
  }
}

async function element(page: Page, index: number): Promise<ElementHandle | string> {
  const el = await page.$(`[${INDEX_ATTRIBUTE}="${index}"]`);
  return el ?? `no element with index ${index} on this page; use an index from the latest snapshot`;
}

/**
 * Runs `act` and waits for the navigation it may start (a submit, a link), or briefly for the
 * network to calm down when it starts none. True when the document or the URL changed.
 */
async function withNavigation(page: Page, timeoutMs: number, act: () => Promise<void>): Promise<boolean> {
  const stop = new AbortController();
  let requested = false;
  const onRequest = (req: HTTPRequest) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) requested = true;
  };
  page.on('request', onRequest);
  const navigation = page.waitForNavigation({ waitUntil: 'load', timeout: timeoutMs, signal: stop.signal }).then(
    () => true,
    () => false,
  );
  const before = page.url();
  try {
    await act();
    const early = await Promise.race([navigation, delay(SETTLE_MS).then(() => undefined)]);
    let navigated = early === true;
    if (early === undefined && requested) navigated = await navigation;
    stop.abort();
    await quietNetwork(page);
    return navigated || page.url() !== before;
  } finally {
    stop.abort();
    page.off('request', onRequest);
  }
}

async function quietNetwork(page: Page): Promise<void> {
  await page.waitForNetworkIdle({ idleTime: 200, timeout: 1500 }).catch(() => undefined);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function ok(outcome: string, navigated: boolean): ActionOutcome {
  return { ok: true, outcome: boundText(outcome, OUTCOME_CHARS), navigated };
}

function fail(error: string): ActionOutcome {
  return { ok: false, outcome: boundText(`error: ${error}`, OUTCOME_CHARS), navigated: false };
}
