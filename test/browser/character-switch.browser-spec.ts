import { BrowserHarness, DESKTOP, watchErrors } from '../support/browser.harness';
import { startCompanionStack, type CompanionStack } from '../support/companion-stack.harness';
import { installProbes, probeReport } from '../support/page-probes.harness';
import { describeWithPrograms } from '../support/system-deps';
import { openCompanion, poll, textOf, waitForAttribute, closeAfterTests } from './companion-page.steps';

jest.setTimeout(90_000);

const FIRST = 'test';
const SECOND = '小白';

describeWithPrograms(['chromium'])('switching character on the characters page (real Chromium)', () => {
  let stack: CompanionStack;
  let browser: BrowserHarness;

  beforeAll(async () => {
    stack = await startCompanionStack();
    const created = await stack.main.request('POST', '/api/characters/catgirl', { json: { 档案名: SECOND, 性别: '女', 昵称: '小白' } });
    expect(created.json).toMatchObject({ success: true });
    browser = await BrowserHarness.launch();
  }, 60_000);
  closeAfterTests(() => ({ browser, stack }));

  it('the open companion tab follows: its name changes and its socket reconnects to /ws/<new name>', async () => {
    const companion = await browser.newPage(DESKTOP);
    const companionErrors = watchErrors(companion, stack.baseUrl);
    await installProbes(companion);
    await openCompanion(companion, stack.baseUrl);
    expect(await textOf(companion, '#char-name')).toBe(FIRST);

    const manager = await browser.newTab(companion);
    const managerErrors = watchErrors(manager, stack.baseUrl);
    await manager.goto(`${stack.baseUrl}/chara_manager`, { waitUntil: 'load' });
    const switchButton = `#chara-list .chara-card[data-name="${SECOND}"] [data-action=switch]`;
    await manager.waitForSelector(switchButton, { visible: true });
    await manager.click(switchButton);

    await poll(() => textOf(companion, '#char-name'), (name) => name === SECOND, `#char-name to show ${SECOND} in the companion tab`, 30_000);
    const report = await poll(
      () => probeReport(companion),
      (r) => r.sockets.some((s) => decodeURIComponent(new URL(s.url).pathname) === `/ws/${SECOND}`),
      `a socket to /ws/${SECOND}`,
      30_000,
    );
    // The old character's socket is closed (or went with a reload); the new one is open.
    expect(report.sockets.filter((s) => s.closedAt === null).map((s) => decodeURIComponent(new URL(s.url).pathname))).toEqual([`/ws/${SECOND}`]);
    await waitForAttribute(companion, '#conn-state', 'data-state', 'open', 30_000);
    expect((await stack.main.request('GET', '/api/characters/current_catgirl')).json).toEqual({ current_catgirl: SECOND });

    expect(companionErrors).toEqual([]);
    expect(managerErrors).toEqual([]);
  });
});
