/**
 * Steps the browser specs share, written against the page contract (element ids and classes of
 * the brief), not against how the pages are built. Waits poll from Node with a bound and say
 * what they saw last, so a failure names the selector, what was expected and what was there.
 */
import type { Page } from 'puppeteer-core';
import type { BrowserHarness } from '../support/browser.harness';
import type { CompanionStack } from '../support/companion-stack.harness';

/** The hooks of every browser spec: screenshots of each test (failures too), then Chromium and the servers closed. */
export function closeAfterTests(opened: () => { browser?: BrowserHarness; stack?: CompanionStack }): void {
  afterEach(async () => {
    await opened().browser?.endTest(expect.getState().currentTestName);
  });
  afterAll(async () => {
    const { browser, stack } = opened();
    await browser?.close();
    await stack?.close();
  });
}

/** Polls `probe` until `accept` holds; throws with the last value seen. */
export async function poll<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const seen = last === undefined ? `error ${String(lastError)}` : JSON.stringify(last);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
}

/** Texts of the chat bubbles of one side, in order. */
export function bubbleTexts(page: Page, side: 'user' | 'ai'): Promise<string[]> {
  return page.$$eval(`#chat-log .bubble.${side}`, (els) => els.map((e) => (e.textContent ?? '').trim()));
}

/** Waits for a bubble of `side` containing `text`; returns every bubble text of that side. */
export function waitForBubble(page: Page, side: 'user' | 'ai', text: string, timeoutMs = 20_000): Promise<string[]> {
  return poll(() => bubbleTexts(page, side), (texts) => texts.some((t) => t.includes(text)), `a .bubble.${side} containing ${JSON.stringify(text)}`, timeoutMs);
}

/** An attribute of the first element matching `selector` (null when absent). */
export function attribute(page: Page, selector: string, name: string): Promise<string | null> {
  return page.$eval(selector, (e, n: string) => e.getAttribute(n), name).catch(() => null);
}

export function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (e) => (e.textContent ?? '').trim());
}

/** Waits until `selector`'s attribute has `value`. */
export function waitForAttribute(page: Page, selector: string, name: string, value: string, timeoutMs = 20_000): Promise<string | null> {
  return poll(() => attribute(page, selector, name), (v) => v === value, `${selector} [${name}="${value}"]`, timeoutMs);
}

/** Opens the companion page and waits until its chat socket is open. */
export async function openCompanion(page: Page, baseUrl: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' });
  await waitForAttribute(page, '#conn-state', 'data-state', 'open', 30_000);
}

/** Types into #chat-input and presses Enter, as a user does. */
export async function sendText(page: Page, text: string): Promise<void> {
  await page.click('#chat-input');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Makes sure a checkbox is checked, clicking it (as a user would) if it is not. */
export async function ensureChecked(page: Page, selector: string, timeoutMs = 20_000): Promise<void> {
  await page.waitForSelector(`${selector}:not([disabled])`, { timeout: timeoutMs });
  if (!(await page.$eval(selector, (e) => (e as unknown as { checked: boolean }).checked))) await page.click(selector);
  await poll(() => page.$eval(selector, (e) => (e as unknown as { checked: boolean }).checked), (c) => c, `${selector} checked`, timeoutMs);
}

/** Clears a text field (select all, delete: the page sees input events) and types `text` into it. */
export async function retype(page: Page, selector: string, text: string): Promise<void> {
  await page.focus(selector);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}
