import type { Page } from 'puppeteer-core';
import { BrowserHarness, DESKTOP, screenshot, watchErrors } from '../support/browser.harness';
import { startCompanionStack, type CompanionStack } from '../support/companion-stack.harness';
import { describeWithPrograms } from '../support/system-deps';
import { poll, retype, closeAfterTests } from './companion-page.steps';

jest.setTimeout(90_000);

const NAME = 'test';
const FRUIT = '我最喜欢的水果是芒果';
const FRUIT_FIXED = '我最喜欢的水果是荔枝';
const MOVED = 'I moved to Shanghai last spring';
const MOVED_ANSWER = 'Shanghai must be exciting';

interface ShownItem {
  readonly kind: string;
  readonly id: string;
  readonly text: string;
}

/** The memory items the page shows (timeline or search results). */
function shownItems(page: Page): Promise<ShownItem[]> {
  return page.$$eval('.memory-item', (els) =>
    els.map((e) => ({ kind: e.getAttribute('data-kind') ?? '', id: e.getAttribute('data-id') ?? '', text: (e.textContent ?? '').trim() })),
  );
}

const itemSelector = (item: ShownItem) => `.memory-item[data-kind=${JSON.stringify(item.kind)}][data-id=${JSON.stringify(item.id)}]`;

/** A conversation turn (summaries quote the turns they summarise, so texts alone are ambiguous). */
const turnWith = (text: string) => (i: ShownItem) => i.kind === 'turn' && i.text.includes(text);

/** Searches as a user types; returns the shown turn containing `text`. */
async function searchFor(page: Page, query: string, text: string): Promise<ShownItem> {
  await retype(page, '#mem-search', query);
  const items = await poll(() => shownItems(page), (list) => list.some(turnWith(text)), `a .memory-item[data-kind=turn] containing ${JSON.stringify(text)} after searching ${JSON.stringify(query)}`);
  return items.find(turnWith(text))!;
}

async function searchApi(stack: CompanionStack, query: string): Promise<string[]> {
  const res = await stack.main.request('GET', `/api/memory/${NAME}/search?q=${encodeURIComponent(query)}`);
  return (res.json?.results ?? []).map((r: { text: string }) => r.text);
}

describeWithPrograms(['chromium'])('memory browser (real Chromium)', () => {
  let stack: CompanionStack;
  let browser: BrowserHarness;

  beforeAll(async () => {
    stack = await startCompanionStack();
    // Two conversations, stored the way the chat sessions store them.
    await stack.remember(NAME, [
      ['user', FRUIT],
      ['assistant', '芒果很甜呢，下次一起吃。'],
    ]);
    await stack.remember(NAME, [
      ['user', MOVED],
      ['assistant', MOVED_ANSWER],
    ]);
    browser = await BrowserHarness.launch();
  }, 60_000);
  closeAfterTests(() => ({ browser, stack }));

  it('search as you type finds a memory; editing it changes what is stored; a forgotten one is gone from search', async () => {
    const page = await browser.newPage(DESKTOP);
    const errors = watchErrors(page, stack.baseUrl);
    await page.goto(`${stack.baseUrl}/memory_browser`, { waitUntil: 'load' });
    await page.waitForSelector(`#mem-character option[value="${NAME}"]`);
    if ((await page.$eval('#mem-character', (s) => (s as unknown as { value: string }).value)) !== NAME) await page.select('#mem-character', NAME);
    await poll(() => shownItems(page), (list) => list.length > 0, '#mem-timeline to list the stored memories');

    // Edit.
    const fruit = await searchFor(page, '芒果', FRUIT);
    await page.click(`${itemSelector(fruit)} [data-action=edit]`);
    await page.waitForSelector('.memory-edit textarea', { visible: true });
    await retype(page, '.memory-edit textarea', FRUIT_FIXED);
    await page.click('.memory-edit [data-action=save]');
    await poll(() => shownItems(page), (list) => list.some((i) => i.id === fruit.id && i.text.includes(FRUIT_FIXED)), `${itemSelector(fruit)} to show the new text`);
    await poll(() => searchApi(stack, '荔枝'), (texts) => texts.includes(FRUIT_FIXED), 'the memory server to find the corrected text');

    // Forget. The server's search finds it before (so "not found after" means forgotten, not a search that finds nothing).
    expect(await searchApi(stack, 'moved Shanghai spring')).toContain(MOVED);
    const moved = await searchFor(page, 'Shanghai', MOVED);
    await page.click(`${itemSelector(moved)} [data-action=forget]`);
    await (await page.waitForSelector('[data-action=confirm]', { visible: true }))!.click();
    await poll(() => shownItems(page), (list) => !list.some((i) => i.id === moved.id && i.kind === moved.kind), `${itemSelector(moved)} to disappear`);
    // A new search (the other half of that conversation is still there) no longer finds it.
    const answer = await searchFor(page, 'Shanghai exciting', MOVED_ANSWER);
    expect(answer.id).not.toBe(moved.id);
    expect((await shownItems(page)).filter(turnWith(MOVED))).toEqual([]);
    expect(await searchApi(stack, 'moved Shanghai spring')).not.toContain(MOVED);

    await retype(page, '#mem-search', '水果');
    await poll(() => shownItems(page), (list) => list.some(turnWith(FRUIT_FIXED)), 'the corrected memory in the results');
    await page.mouse.move(0, 0); // no hover highlight in the README picture
    await screenshot(page, 'memory-browser');
    expect(errors).toEqual([]);
  });
});
