import { BrowserHarness, DESKTOP, watchErrors } from '../support/browser.harness';
import { CHAT_MODEL, contentText, lastUserText, requestText } from '../support/chat-client.harness';
import { startCompanionStack, type CompanionStack } from '../support/companion-stack.harness';
import { describeWithPrograms } from '../support/system-deps';
import { ensureChecked, openCompanion, poll, sendText, waitForBubble, closeAfterTests } from './companion-page.steps';

jest.setTimeout(120_000);

const ASK = 'what time is it on the clock tool?';
const FIRST_REPLY = '好的，我用时钟工具看一下。';
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;

type Message = { role: string; content: unknown };

describeWithPrograms(['chromium'])('agent switch and task HUD with a test MCP server (real Chromium)', () => {
  let stack: CompanionStack;
  let browser: BrowserHarness;

  beforeAll(async () => {
    stack = await startCompanionStack({ mcp: true });
    // As in chat-agent-tool.e2e-spec.ts: the text chat (CHAT_MODEL) answers, then tells the time it
    // finds in the task result; the agent's MCP assessment picks tests/clock; anything else is echoed.
    stack.fake.script.defaultChat((body) => {
      const messages = body.messages as Message[];
      const system = contentText(messages.find((m) => m.role === 'system')?.content);
      if (body.model !== CHAT_MODEL) {
        if (system.includes('MCP tools below')) {
          return { content: JSON.stringify({ has_task: true, can_execute: true, task_description: 'read the clock tool', tool_name: 'tests/clock', tool_args: {}, reason: 'the user asked for the time' }) };
        }
        return { content: `Echo: ${lastUserText(body)}` };
      }
      const time = ISO.exec(requestText(body))?.[0];
      const answered = messages.some((m) => m.role === 'assistant' && String(m.content).startsWith('主人，现在是'));
      return time && !answered ? { content: `主人，现在是 ${time} 哦。` } : { content: FIRST_REPLY };
    });
    browser = await BrowserHarness.launch();
  }, 60_000);
  closeAfterTests(() => ({ browser, stack }));

  it('with the agent on, asking for the clock shows a task in the HUD that completes, and she says the time', async () => {
    const page = await browser.newPage(DESKTOP);
    const errors = watchErrors(page, stack.baseUrl);
    await openCompanion(page, stack.baseUrl);
    // The switch turns on the agent and its MCP tools for this character.
    await ensureChecked(page, '#agent-toggle', 30_000);
    await poll(() => stack.mcpUsable(), (ok) => ok, 'the agent to find the test MCP server usable', 30_000);
    await poll(() => stack.agentSwitches(), (s) => s.analyzer && s.mcp, 'the agent with its analyzer and MCP switched on', 30_000);

    await sendText(page, ASK);
    await waitForBubble(page, 'ai', FIRST_REPLY, 30_000);
    await page.waitForSelector('#agent-hud .agent-task[data-task-id]', { timeout: 30_000 });
    await page.waitForSelector('#agent-hud .agent-task[data-status=completed]', { timeout: 45_000 });
    const ai = await poll(
      () => page.$$eval('#chat-log .bubble.ai', (els) => els.map((e) => (e.textContent ?? '').trim())),
      (texts) => texts.some((t) => /主人，现在是 \S+ 哦。/.test(t) && ISO.test(t)),
      'a .bubble.ai saying the time from the clock tool',
      45_000,
    );
    const said = ISO.exec(ai.find((t) => t.includes('现在是')))![0];
    expect(Math.abs(Date.parse(said) - Date.now())).toBeLessThan(120_000);

    expect(errors).toEqual([]);
  });
});
