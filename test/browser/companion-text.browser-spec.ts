import { BrowserHarness, DESKTOP, screenshot, watchErrors } from '../support/browser.harness';
import { CHAT_MODEL } from '../support/chat-client.harness';
import { startCompanionStack, type CompanionStack } from '../support/companion-stack.harness';
import { installProbes, probeReport, scheduledSeconds, waitForScheduledAudio } from '../support/page-probes.harness';
import { describeWithPrograms } from '../support/system-deps';
import { attribute, bubbleTexts, openCompanion, poll, sendText, waitForBubble, closeAfterTests } from './companion-page.steps';

jest.setTimeout(90_000);

const ASK = '今天过得怎么样？';
const REPLY = '今天超开心的喵！我晒了一下午的太阳，还梦见了小鱼干。';

describeWithPrograms(['chromium'])('companion page text chat (real Chromium)', () => {
  let stack: CompanionStack;
  let browser: BrowserHarness;

  beforeAll(async () => {
    stack = await startCompanionStack();
    // The text chat streams the reply in small pieces, slowly enough to watch it grow.
    stack.fake.script.defaultChat((body) => (body.model === CHAT_MODEL && body.stream === true ? { content: REPLY, chunkSize: 3, chunkDelayMs: 40 } : { content: '嗯。' }));
    browser = await BrowserHarness.launch();
  }, 60_000);
  closeAfterTests(() => ({ browser, stack }));

  it('Enter sends the text; the reply streams into one AI bubble and its voice is scheduled for playback', async () => {
    const page = await browser.newPage(DESKTOP);
    const errors = watchErrors(page, stack.baseUrl);
    await installProbes(page);
    await openCompanion(page, stack.baseUrl);
    // Every text the last AI bubble shows, to see the reply arrive piece by piece.
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
      const MO = (globalThis as unknown as { MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void } }).MutationObserver;
      const seen: string[] = [];
      (globalThis as unknown as { __aiTexts: string[] }).__aiTexts = seen;
      new MO(() => {
        const all = doc.querySelectorAll('#chat-log .bubble.ai');
        const text = (all[all.length - 1]?.textContent ?? '').trim();
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(doc.querySelector('#chat-log'), { childList: true, subtree: true, characterData: true });
    });

    await sendText(page, ASK);
    await waitForBubble(page, 'user', ASK);
    const ai = await waitForBubble(page, 'ai', REPLY, 30_000);
    expect(ai.filter((t) => t.includes(REPLY))).toHaveLength(1);
    expect(await poll(() => page.$eval('#chat-input', (e) => (e as unknown as { value: string }).value), (v) => v === '', '#chat-input emptied after sending')).toBe('');

    const grew = await page.evaluate(() => (globalThis as unknown as { __aiTexts: string[] }).__aiTexts);
    expect(grew.length).toBeGreaterThan(1); // streamed, not shown at once
    expect(grew.every((t) => REPLY.startsWith(t) || t.includes(REPLY))).toBe(true);

    // The fake TTS speaks 50 ms per character: the page schedules that audio (24 kHz pcm, sent as 48 kHz frames).
    await waitForScheduledAudio(page);
    const audio = await poll(() => probeReport(page), (r) => scheduledSeconds(r.buffers) >= 0.5, 'at least 0.5 s of reply audio scheduled', 30_000);
    expect(audio.buffers.length).toBeGreaterThan(0);
    expect(await attribute(page, '#session-state', 'data-state')).toBe('text');

    await page.waitForSelector('body[data-avatar]', { timeout: 30_000 }); // the README picture shows her
    await screenshot(page, 'companion');
    expect(await bubbleTexts(page, 'user')).toEqual([ASK]);
    expect(errors).toEqual([]);
  });
});
