/**
 * Carries out one model action on the page with puppeteer. Errors never escape: they become the
 * outcome text the model reads in the next step, so it can try something else.
 */
import type { ElementHandle, HTTPRequest, Page } from 'puppeteer-core';
import { sleep } from '../../llm/abort.util';
import { boundText } from '../agent-channel.port';
import { checkUrl, type BrowserAction } from './browser-action.parser';
import type { NavigationGuard } from './browser-navigation.guard';
import { elementLabel, indexSelector, pageText, type PageSnapshot } from './page.snapshot';

export interface ActionEnvironment {
  readonly page: Page;
  /** The task's element index attribute (see page.snapshot.ts). */
  readonly indexAttribute: string;
  /** The host policy of this page; blocked navigations become the action's error. */
  readonly guard: NavigationGuard;
  /** Fires when the action timed out or the task ended: pending waits stop. */
  readonly signal: AbortSignal;
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
    case 'type': {
      // A password never appears in progress, logs or the model's history.
      const shown = isSecretField(snapshot, action.index) ? 'the password given in the task' : JSON.stringify(boundText(action.text, 60));
      return boundText(`type ${shown} into ${elementLabel(snapshot, action.index)}${action.submit ? ' and submit' : ''}`, 200);
    }
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

/** True when element `index` of the snapshot is a password field. */
export function isSecretField(snapshot: PageSnapshot | undefined, index: number): boolean {
  const e = snapshot?.elements.find((x) => x.index === index);
  return e?.kind === 'input' && e.type === 'password';
}

export async function runAction(action: ExecutableAction, env: ActionEnvironment): Promise<ActionOutcome> {
  env.guard.takeBlocked(); // blocks from before this action belong to nobody
  let outcome: ActionOutcome;
  try {
    outcome = await perform(action, env);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    outcome = { ok: false, outcome: boundText(`error: ${message.split('\n', 1)[0]}`, OUTCOME_CHARS), navigated: false };
  }
  const blocked = env.guard.takeBlocked();
  // A blocked page load leaves Chromium's error page behind (it may commit a moment after the
  // request failed): return to the page the model knew.
  if (blocked && (await showsErrorPage(env.page, env.signal))) {
    await env.page.goBack({ waitUntil: 'domcontentloaded', timeout: 5000, signal: env.signal }).catch(() => undefined);
  }
  return blocked ? { ok: false, outcome: boundText(`error: ${blocked}`, OUTCOME_CHARS), navigated: outcome.navigated } : outcome;
}

async function perform(action: ExecutableAction, env: ActionEnvironment): Promise<ActionOutcome> {
  const { page } = env;
  switch (action.action) {
    case 'navigate': {
      const checked = checkUrl(action.url, env.allowFileUrls);
      if ('error' in checked) return { ok: false, outcome: `error: ${checked.error}`, navigated: false };
      const verdict = await env.guard.verdict(checked.url);
      if (verdict) return fail(verdict);
      const response = await page.goto(checked.url, { waitUntil: 'domcontentloaded', timeout: env.navigationTimeoutMs, signal: env.signal });
      await quietNetwork(page);
      const status = response ? ` (HTTP ${response.status()})` : '';
      return ok(`opened ${JSON.stringify(boundText(await page.title(), 100))}${status}`, true);
    }
    case 'click': {
      const el = await element(env, action.index);
      if (typeof el === 'string') return fail(el);
      const nav = await withNavigation(env, async () => {
        await el.scrollIntoView().catch(() => undefined);
        try {
          await el.click();
        } catch {
          // covered or zero-size elements: a DOM click still runs the page's handlers
          await env.guard.evaluate(`document.querySelector(${JSON.stringify(indexSelector(env.indexAttribute, action.index))}).click()`);
        }
      });
      return ok(nav ? `clicked; now on ${JSON.stringify(boundText(await page.title(), 100))}` : 'clicked', nav);
    }
    case 'type': {
      const el = await element(env, action.index);
      if (typeof el === 'string') return fail(el);
      const cleared = await env.guard.evaluate(`(function (el) {
        if (!el) return 'missing';
        var tag = el.tagName.toLowerCase(), type = (el.getAttribute('type') || 'text').toLowerCase();
        if (el.isContentEditable) { el.textContent = ''; return 'ok'; }
        if (tag === 'textarea' || (tag === 'input' && !/^(checkbox|radio|submit|button|reset|image|file|hidden|range|color)$/.test(type))) {
          el.value = ''; el.dispatchEvent(new Event('input', { bubbles: true })); return type === 'password' ? 'secret' : 'ok';
        }
        return tag + (tag === 'input' ? ' type=' + type : '');
      })(document.querySelector(${JSON.stringify(indexSelector(env.indexAttribute, action.index))}))`);
      if (cleared !== 'ok' && cleared !== 'secret') return fail(`element [${action.index}] is a ${boundText(String(cleared), 40)}, not a text field (use click or select)`);
      await el.type(action.text);
      const typed = cleared === 'secret' || isSecretField(env.snapshot, action.index) ? 'typed the password given in the task' : `typed ${action.text.length} characters`;
      if (!action.submit) return ok(typed, false);
      const nav = await withNavigation(env, () => el.press('Enter'));
      return ok(`${typed} and pressed Enter${nav ? `; now on ${JSON.stringify(boundText(await page.title(), 100))}` : ''}`, nav);
    }
    case 'select': {
      const el = await element(env, action.index);
      if (typeof el === 'string') return fail(el);
      const wanted = JSON.stringify(action.value.toLowerCase());
      const found = await env.guard.evaluate(`(function (el) {
        if (!el || el.tagName.toLowerCase() !== 'select') return { error: 'not a select element (use click)' };
        var opts = Array.prototype.slice.call(el.options);
        var hit = opts.find(function (o) { return o.value.toLowerCase() === ${wanted}; })
          || opts.find(function (o) { return o.text.trim().toLowerCase() === ${wanted}; })
          || opts.find(function (o) { return o.text.trim().toLowerCase().indexOf(${wanted}) >= 0; });
        return hit ? { value: hit.value, text: hit.text.trim() } : { error: 'no option ' + ${JSON.stringify(JSON.stringify(action.value))} + '; options: ' + opts.slice(0, 20).map(function (o) { return o.text.trim(); }).join(', ') };
      })(document.querySelector(${JSON.stringify(indexSelector(env.indexAttribute, action.index))}))`);
      const res = (typeof found === 'object' && found !== null ? found : {}) as { value?: unknown; text?: unknown; error?: unknown };
      if (typeof res.value !== 'string') return fail(`element [${action.index}]: ${boundText(typeof res.error === 'string' ? res.error : 'cannot select', 300)}`);
      const value = res.value;
      const nav = await withNavigation(env, async () => {
        await el.select(value);
      });
      return ok(`selected ${JSON.stringify(boundText(typeof res.text === 'string' ? res.text : value, 100))}`, nav);
    }
    case 'scroll': {
      const sign = action.direction === 'up' ? -1 : 1;
      const pct = await env.guard.evaluate(`(function () {
        window.scrollBy(0, ${sign} * Math.round(window.innerHeight * 0.8));
        var max = Math.max(1, document.documentElement.scrollHeight - window.innerHeight);
        return Math.round(Math.min(1, window.scrollY / max) * 100);
      })()`);
      return ok(`scrolled ${action.direction}; now at ${Number(pct)}%`, false);
    }
    case 'extract': {
      const text = await pageText((e) => env.guard.evaluate(e), env.extractChars);
      const source = `${boundText(await page.title(), 100)} (${boundText(page.url(), 200)})`;
      const gathered = action.text ? `${action.text}\n[from ${source}]` : `From ${source}: ${text}`;
      return { ok: true, outcome: `recorded ${gathered.length} characters of information`, navigated: false, gathered };
    }
    case 'back': {
      const response = await page.goBack({ waitUntil: 'domcontentloaded', timeout: env.navigationTimeoutMs, signal: env.signal });
      if (!response && page.url() === 'about:blank') return fail('there is no previous page');
      await quietNetwork(page);
      return ok(`went back to ${JSON.stringify(boundText(await page.title(), 100))}`, true);
    }
  }
}

async function element(env: ActionEnvironment, index: number): Promise<ElementHandle | string> {
  const found = await env.page.$$(indexSelector(env.indexAttribute, index));
  if (found.length === 1 && found[0]) return found[0];
  await Promise.all(found.map((h) => h.dispose().catch(() => undefined)));
  // Two marks with one number: a page script copied our attribute; do not guess.
  if (found.length > 1) return `element index ${index} is ambiguous on this page; take another look and use another element`;
  return `no element with index ${index} on this page; use an index from the latest snapshot`;
}

/**
 * Runs `act` and waits for the navigation it may start (a submit, a link), or briefly for the
 * network to calm down when it starts none. The wait ends at once when the navigation request
 * fails (blocked, a denied download, a network error). True when the document or the URL changed.
 */
async function withNavigation(env: ActionEnvironment, act: () => Promise<void>): Promise<boolean> {
  const { page } = env;
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  env.signal.addEventListener('abort', onOuterAbort, { once: true });
  let requested = false;
  let failed: () => void = () => undefined;
  const ended = new Promise<false>((resolve) => (failed = () => resolve(false)));
  const onRequest = (req: HTTPRequest) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) requested = true;
  };
  const onFailed = (req: HTTPRequest) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) failed();
  };
  page.on('request', onRequest);
  page.on('requestfailed', onFailed);
  const navigation = page.waitForNavigation({ waitUntil: 'load', timeout: env.navigationTimeoutMs, signal: stop.signal }).then(
    () => true,
    () => false,
  );
  const before = page.url();
  try {
    await act();
    const early = await Promise.race([navigation, ended, sleep(SETTLE_MS, stop.signal).then(() => undefined, () => undefined)]);
    let navigated = early === true;
    if (early === undefined && requested) navigated = await Promise.race([navigation, ended]);
    stop.abort();
    await quietNetwork(page);
    return navigated || page.url() !== before;
  } finally {
    stop.abort();
    env.signal.removeEventListener('abort', onOuterAbort);
    page.off('request', onRequest);
    page.off('requestfailed', onFailed);
  }
}

/** Waits up to 1.5 s for the main frame to show Chromium's error page. */
async function showsErrorPage(page: Page, signal: AbortSignal): Promise<boolean> {
  for (let waited = 0; waited < 1500 && !signal.aborted; waited += 50) {
    if (page.url().startsWith('chrome-error:')) return true;
    await sleep(50, signal).catch(() => undefined);
  }
  return page.url().startsWith('chrome-error:');
}

async function quietNetwork(page: Page): Promise<void> {
  await page.waitForNetworkIdle({ idleTime: 200, timeout: 1500 }).catch(() => undefined);
}

function ok(outcome: string, navigated: boolean): ActionOutcome {
  return { ok: true, outcome: boundText(outcome, OUTCOME_CHARS), navigated };
}

function fail(error: string): ActionOutcome {
  return { ok: false, outcome: boundText(`error: ${error}`, OUTCOME_CHARS), navigated: false };
}
