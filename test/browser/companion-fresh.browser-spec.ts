import { BrowserHarness, canvasPixels, DESKTOP, PHONE, showsFigure, watchErrors } from '../support/browser.harness';
import { startCompanionStack, type CompanionStack } from '../support/companion-stack.harness';
import { describeWithPrograms } from '../support/system-deps';
import { openCompanion, poll, textOf, closeAfterTests } from './companion-page.steps';

jest.setTimeout(90_000);

const AVATAR_CANVAS = '#avatar-stage canvas';

describeWithPrograms(['chromium'])('companion page on a fresh install (real Chromium)', () => {
  let stack: CompanionStack;
  let browser: BrowserHarness;

  beforeAll(async () => {
    // An empty data folder: the default character "test" and no model of its own.
    stack = await startCompanionStack();
    browser = await BrowserHarness.launch();
  }, 60_000);
  closeAfterTests(() => ({ browser, stack }));

  it.each([
    ['1280×720', DESKTOP],
    ['390×844 phone', PHONE],
  ])('renders the default avatar and connects, with no errors (%s)', async (_label, viewport) => {
    const page = await browser.newPage(viewport);
    const errors = watchErrors(page, stack.baseUrl);
    await openCompanion(page, stack.baseUrl);
    expect(await textOf(page, '#char-name')).toBe('test');

    // The factory marks the body once the avatar drew its first frame; the default avatar is a VRM.
    await page.waitForSelector('body[data-avatar]', { timeout: 30_000 });
    expect(await page.$eval('body', (b) => b.getAttribute('data-avatar'))).toBe('vrm');
    expect(await page.$$eval(AVATAR_CANVAS, (c) => c.length)).toBeGreaterThan(0);
    // A blank, flat or nearly empty canvas fails here (the message shows the sampled pixels).
    await poll(() => canvasPixels(page, AVATAR_CANVAS), showsFigure, `${AVATAR_CANVAS} to show the avatar (a shaded figure, not blank)`, 15_000);

    // Usable at this width: the avatar is on screen and nothing forces sideways scrolling.
    const box = await page.$eval('#avatar-stage', (e) => {
      const r = e.getBoundingClientRect();
      return { width: r.width, height: r.height };
    });
    expect(box.width).toBeGreaterThan(100);
    expect(box.height).toBeGreaterThan(100);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ['#chat-input', '#chat-send', '#mic-toggle']) expect(await page.$eval(id, (e) => e.getBoundingClientRect().width > 0)).toBe(true);

    expect(errors).toEqual([]);
  });
});
