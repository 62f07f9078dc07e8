import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { rmsPcm16 } from '../fake-openai/pcm-audio.util';
import { BrowserHarness, DESKTOP, watchErrors } from '../support/browser.harness';
import { startCompanionStack, type CompanionStack } from '../support/companion-stack.harness';
import { writeUtteranceWav } from '../support/fake-mic.fixture';
import { installProbes, probeReport, silencedAt, waitForScheduledAudio, type ProbeReport } from '../support/page-probes.harness';
import { describeWithPrograms } from '../support/system-deps';
import { closeAfterTests, openCompanion, poll, waitForAttribute, waitForBubble } from './companion-page.steps';

// Long enough for every step's own bound to report (with diagnostics) before Jest's timeout does.
jest.setTimeout(240_000);

const STORY_ASK = '给我讲个故事吧';
const STOP_ASK = '停一下';
// 570 characters: over 14 s of the fake's realtime audio, so the user surely speaks again while it plays.
const STORY = '从前有一只小猫，它最喜欢在下雨天唱歌。'.repeat(30);
const STORY_AUDIO_MS = Array.from(STORY).length * 25;
const STOP_REPLY = '好的，不讲啦。';
const WARM_UP = '嗯。';
/** Old-reply audio may still be in flight when the page hears user_activity (the app's resampler and socket). */
const IN_FLIGHT_MS = 300;

/** Times (page clock) of the user_activity messages on the chat socket. */
const activityTimes = (r: ProbeReport): number[] => r.messages.filter((m) => m.type === 'user_activity').map((m) => m.at);

/** What the page received and what the fake provider heard, for a failure message. */
async function diagnostics(page: Page, stack: CompanionStack): Promise<string> {
  const r = await probeReport(page);
  const appended = stack.fake.realtimeEvents.filter((e) => e.type === 'input_audio_buffer.append').map((e) => rmsPcm16(Buffer.from(String(e.audio), 'base64')));
  const others = stack.fake.realtimeEvents.filter((e) => e.type !== 'input_audio_buffer.append').map((e) => String(e.type));
  const firstAudio = r.buffers[0]?.calledAt ?? Infinity;
  const barge = activityTimes(r).find((t) => t > firstAudio);
  return [
    `page got: ${r.messages.map((m) => m.type).join(' ') || 'nothing'}`,
    `page scheduled ${r.buffers.length} buffers (first at ${Math.round(firstAudio)} ms, last at ${Math.round(r.buffers.at(-1)?.calledAt ?? NaN)} ms); barge-in at ${barge === undefined ? 'none' : Math.round(barge)} ms`,
    `provider got ${appended.length} audio appends (${appended.filter((v) => v >= 500).length} with speech, loudest RMS ${Math.round(Math.max(0, ...appended))}) and: ${others.join(' ')}`,
  ].join('\n');
}

describeWithPrograms(['chromium'])('companion page voice chat with the fake microphone (real Chromium)', () => {
  let stack: CompanionStack;
  let browser: BrowserHarness;
  let wavDir: string;

  beforeAll(async () => {
    stack = await startCompanionStack({ deltaIntervalMs: 20 });
    wavDir = mkdtempSync(join(tmpdir(), 'neko-mic-'));
    // 0.7 s of speech, then 5 s of quiet; Chromium loops the file, so the user speaks again 6 s
    // after the first time — while the story is still playing.
    const wav = writeUtteranceWav(wavDir, 'two-turns', { leadMs: 300, speechMs: 700, silenceMs: 5000 });
    browser = await BrowserHarness.launch({ fakeMicWav: wav });
  }, 60_000);
  closeAfterTests(() => ({ browser, stack }));
  afterAll(() => {
    if (wavDir) rmSync(wavDir, { recursive: true, force: true });
  });

  it('the mic button starts a voice turn: transcript and reply bubbles, reply audio; speaking again stops the playing reply', async () => {
    // A voice session starts with one skipped warm-up response (spec §5.2 step 11): it takes the first reply.
    stack.fake.script.realtime({ reply: WARM_UP }, { transcript: STORY_ASK, reply: STORY }, { transcript: STOP_ASK, reply: STOP_REPLY });
    const page = await browser.newPage(DESKTOP);
    const errors = watchErrors(page, stack.baseUrl);
    await installProbes(page);
    await openCompanion(page, stack.baseUrl);

    await page.click('#mic-toggle');
    await waitForAttribute(page, '#mic-toggle', 'aria-pressed', 'true', 45_000);
    await waitForAttribute(page, '#session-state', 'data-state', 'voice', 45_000);

    await waitForBubble(page, 'user', STORY_ASK, 45_000).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await diagnostics(page, stack)}`);
    });
    await waitForBubble(page, 'ai', STORY.slice(0, 12), 45_000);
    await waitForScheduledAudio(page);

    // The file loops: the user speaks again; the page must silence the story at once.
    await waitForBubble(page, 'user', STOP_ASK, 45_000);
    await waitForBubble(page, 'ai', STOP_REPLY, 45_000);
    const report = await poll(
      () => probeReport(page),
      (r) => {
        const firstAudio = r.buffers[0]?.calledAt ?? Infinity;
        const barge = activityTimes(r).find((t) => t > firstAudio);
        return barge !== undefined && r.buffers.some((b) => b.calledAt > barge + IN_FLIGHT_MS);
      },
      'a user_activity while the story played, then audio of the new reply',
      30_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await diagnostics(page, stack)}`);
    });
    const firstAudio = report.buffers[0].calledAt;
    const barge = activityTimes(report).find((t) => t > firstAudio)!;
    // The test is only meaningful if the story still had audio left when the user spoke again.
    expect(barge - firstAudio).toBeLessThan(STORY_AUDIO_MS - 1500);

    // Nothing of the story sounds on after the barge-in: every buffer scheduled before it (or in
    // flight) is stopped, disconnected or its context halted, or ends by itself right away.
    const old = report.buffers.filter((b) => b.calledAt <= barge + IN_FLIGHT_MS);
    const soundsUntil = old.map((b) => Math.min(b.endsAt, silencedAt(b) ?? Infinity));
    expect(Math.max(...soundsUntil) - barge).toBeLessThan(1000);
    // …and no more of it is started: the next buffers wait for the new reply's first delta.
    const newReplyAt = report.messages.find((m) => m.type === 'gemini_response' && m.at > barge)?.at ?? Infinity;
    const startedMeanwhile = report.buffers.filter((b) => b.calledAt > barge + IN_FLIGHT_MS && b.calledAt < newReplyAt);
    expect(startedMeanwhile).toEqual([]);

    await page.click('#mic-toggle');
    await waitForAttribute(page, '#mic-toggle', 'aria-pressed', 'false');
    expect(errors).toEqual([]);
  });
});
