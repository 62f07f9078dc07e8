import { randomUUID } from 'node:crypto';
import { Pull, Push } from 'zeromq';
import { silencePcm16, sinePcm16 } from '../fake-openai/pcm-audio.util';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { CHAT_MODEL, chatCompletions, chatCoreConfig, connectChat, isTurnEnd, lastUserText, replyText, requestText, sleep, statusesIn, type ChatClient, type ChatEvent } from '../support/chat-client.harness';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const NAME = '小天';
const SUMMARY = '你的任务"查明天的天气"已完成：明天晴，25度';
const REPORT = '主人，明天是晴天，二十五度哦。';

jest.setTimeout(60_000);

let fake: FakeOpenAi;
let h: MainHarness;
let c: ChatClient;
let agent: Push;
let analyze: Pull;
/** Every analyze_request main published, as the agent would receive them. */
const analyzed: Array<{ event_type: string; event_id: string; trigger: string; messages: Array<{ role: string; content: string }> }> = [];

/** Sends one agent → main event as the agent does (one JSON frame on the agent-push queue, spec §8.2). */
const push = (event: Record<string, unknown>) => agent.send(JSON.stringify(event));
/** Turn-end analyze requests, one per event_id (a resend after a lost ack repeats the id). */
const turnEnds = () => [...new Map(analyzed.filter((e) => e.trigger === 'turn_end').map((e) => [e.event_id, e])).values()];

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-test' });
  fake.script.defaultChat((body) => {
    if (body.model !== CHAT_MODEL) return { content: `Echo: ${lastUserText(body)}` };
    // The callback turn is the one whose request carries the task result (not yet answered).
    const answered = (body.messages as Array<{ role: string; content: unknown }>).some((m) => m.role === 'assistant' && String(m.content).includes('晴天'));
    return requestText(body).includes('明天晴，25度') && !answered ? { content: REPORT } : { content: '好的喵。' };
  });
  h = await startMainApp({ memory: true, coreConfig: chatCoreConfig(fake) });
  agent = new Push({ linger: 0 });
  agent.connect(`tcp://127.0.0.1:${h.ctx.env.ports.zmqAgentPush}`);
  analyze = new Pull({ linger: 0 });
  analyze.connect(`tcp://127.0.0.1:${h.ctx.env.ports.zmqAnalyzePush}`);
  void (async () => {
    try {
      for await (const [frame] of analyze) {
        const event = JSON.parse(frame.toString('utf8')) as (typeof analyzed)[number];
        analyzed.push(event);
        // Acknowledge as the agent does, so main does not resend.
        if (event.event_id) await push({ event_type: 'analyze_ack', lanlan_name: NAME, event_id: event.event_id });
      }
    } catch {
      // the socket was closed at the end
    }
  })();
  c = await connectChat(h.baseUrl, NAME);
  c.send('start_session', { input_type: 'text', new_session: true });
  await c.next('session_started');
}, 60_000);
afterAll(async () => {
  await c?.close();
  agent?.close();
  analyze?.close();
  await h?.close();
  await fake?.close();
});

describe('agent events over ZeroMQ reach the character (memory-and-agent-servers.md §8.4)', () => {
  it('a task_result during a text session: agent_notification, then the character tells the result, without analyze_request', async () => {
    const first = c.mark();
    c.send('stream_data', { input_type: 'text', data: '帮我查一下明天的天气' });
    expect(replyText(await c.collectUntil(isTurnEnd, { from: first }))).toBe('好的喵。');
    await sleep(1000);
    const normal = turnEnds();
    expect(normal).toHaveLength(1); // the ordinary turn is analysed
    expect(normal[0].messages.some((m) => m.role === 'user' && m.content.includes('帮我查一下明天的天气'))).toBe(true);

    const from = c.mark();
    const requestsFrom = fake.requests.length;
    await push({
      event_type: 'task_result', lanlan_name: NAME, text: SUMMARY, task_id: randomUUID(), channel: 'computer_use', status: 'completed', success: true,
      summary: SUMMARY, detail: '明天晴，25度', error_message: '', timestamp: new Date().toISOString(),
    });
    const notification = await c.next('agent_notification');
    expect(notification).toMatchObject({ type: 'agent_notification', text: SUMMARY, source: 'brain', status: 'completed' });

    const spoken = await c.collectUntil(isTurnEnd, { from, timeoutMs: 20_000 });
    const deltas = spoken.flatMap((e) => (e.kind === 'json' && e.message.type === 'gemini_response' ? [e.message] : []));
    expect(deltas[0]?.isNewMessage).toBe(true);
    expect(replyText(spoken)).toBe(REPORT);
    expect(statusesIn(spoken)).toEqual([]);
    const notificationAt = spoken.findIndex((e) => e.kind === 'json' && e.message.type === 'agent_notification');
    const firstDeltaAt = spoken.findIndex((e) => e.kind === 'json' && e.message.type === 'gemini_response');
    expect(notificationAt).toBeGreaterThanOrEqual(0);
    expect(notificationAt).toBeLessThan(firstDeltaAt);
    await c.collectUntil((e) => e.kind === 'audio', { from, timeoutMs: 20_000 }); // and it is spoken aloud

    const request = chatCompletions(fake.requests.slice(requestsFrom)).at(-1)!;
    expect(requestText(request)).toContain(SUMMARY);
    expect(requestText(request)).toContain('✅');

    // The callback turn ends with `turn end agent_callback`: no analysis of the agent's own result.
    await sleep(1500);
    expect(turnEnds()).toHaveLength(1);
  });

  it('forwards task_update as agent_task_update', async () => {
    const task = { id: randomUUID(), status: 'running', type: 'computer_use', start_time: new Date().toISOString(), params: { instruction: '查明天的天气' } };
    await push({ event_type: 'task_update', lanlan_name: NAME, task });
    expect(await c.next('agent_task_update')).toEqual({ type: 'agent_task_update', task });
  });

  it('forwards agent_status_update with its snapshot, and agent_notification', async () => {
    const snapshot = {
      revision: 7, server_online: true, analyzer_enabled: true,
      flags: { computer_use_enabled: false, browser_use_enabled: true, user_plugin_enabled: false, openfang_enabled: false },
      gate: { ready: true, reasons: [], is_free_version: false },
      capabilities: { computer_use: { ready: false, reason: 'AGENT_LLM_UNREACHABLE' } },
      active_tasks: [], notification: null, updated_at: new Date().toISOString(),
    };
    await push({ event_type: 'agent_status_update', lanlan_name: NAME, snapshot });
    expect(await c.next('agent_status_update')).toEqual({ type: 'agent_status_update', snapshot });
    // lanlan_name null: every connected session gets it.
    await push({ event_type: 'agent_status_update', lanlan_name: null, snapshot: { ...snapshot, revision: 8 } });
    expect(await c.next('agent_status_update')).toEqual({ type: 'agent_status_update', snapshot: { ...snapshot, revision: 8 } });

    await push({ event_type: 'agent_notification', lanlan_name: NAME, text: '⚠️ Agent评估失败: boom', source: 'brain', status: 'error', error_message: 'boom' });
    expect(await c.next('agent_notification')).toMatchObject({ type: 'agent_notification', text: '⚠️ Agent评估失败: boom', source: 'brain', status: 'error', error_message: 'boom' });
  });

  it('drops a task_result without a character (never broadcast), and speaks a proactive_message like a result', async () => {
    const from = c.mark();
    const base = { text: '插件任务 "weather" 已完成：明天晴，25度', summary: '插件任务 "weather" 已完成：明天晴，25度', detail: '明天晴，25度', success: true, status: 'completed', timestamp: new Date().toISOString() };
    await push({ event_type: 'task_result', lanlan_name: null, task_id: randomUUID(), channel: 'user_plugin', ...base });
    await push({ event_type: 'task_result', lanlan_name: 'nobody', task_id: randomUUID(), channel: 'user_plugin', ...base });
    await sleep(1000);
    expect(c.since(from).filter((e) => e.kind === 'json' && e.message.type === 'agent_notification')).toEqual([]);
    expect(c.since(from).filter((e) => e.kind === 'json' && e.message.type === 'gemini_response')).toEqual([]);

    await push({ event_type: 'proactive_message', lanlan_name: NAME, channel: 'plugin:weather', task_id: '', ...base });
    expect(await c.next('agent_notification')).toMatchObject({ type: 'agent_notification', text: base.text, source: 'brain', status: 'completed' });
    const spoken = await c.collectUntil(isTurnEnd, { from, timeoutMs: 20_000 });
    expect(replyText(spoken).length).toBeGreaterThan(0);
    expect(statusesIn(spoken)).toEqual([]);
  });

  it('voice session: the result waits for the next hot swap, then the character speaks it (spec §5.7 step 1)', async () => {
    c.send('start_session', { input_type: 'audio' });
    await c.next('session_started', { where: (m) => m.input_mode === 'audio', timeoutMs: 20_000 });
    const analysedBefore = turnEnds().length;
    const summary = '你的任务"订外卖"已完成：已经下单了';
    await push({
      event_type: 'task_result', lanlan_name: NAME, text: summary, task_id: randomUUID(), channel: 'browser_use', status: 'completed', success: true,
      summary, detail: '', error_message: '', timestamp: new Date().toISOString(),
    });
    expect(await c.next('agent_notification', { where: (m) => m.text === summary })).toMatchObject({ source: 'brain', status: 'completed' });
    const question = Buffer.concat([sinePcm16(300, 48_000), silencePcm16(900, 48_000)]);
    const from = c.mark();
    for (const words of ['你好', '在吗']) {
      fake.script.realtime({ transcript: words });
      const turnFrom = c.mark();
      await c.speak(question);
      let replied = false;
      const turn = await c.collectUntil((e) => (replied ||= e.kind === 'json' && e.message.type === 'gemini_response') && isTurnEnd(e), { from: turnFrom, timeoutMs: 20_000 });
      expect(replyText(turn)).toContain(words); // the fake answers "I heard: <transcript>"
      await sleep(300);
    }
    // Prepared at the first turn end, swapped at the second: the new session is asked to report
    // the result and speaks (the fake echoes what it was told, so the summary is heard).
    const toldAt = (e: ChatEvent) => isTurnEnd(e) && replyText(c.since(from).filter((x) => x.seq <= e.seq)).includes('已经下单了');
    await c.collectUntil(toldAt, { from, timeoutMs: 20_000 }); // …and that turn ends
    expect(JSON.stringify(fake.realtimeEvents)).toContain('已经下单了');
    expect(statusesIn(c.since(from))).toEqual([]);
    await sleep(1500);
    expect(turnEnds().length - analysedBefore).toBe(2); // the two spoken turns, not the callback turn
  });
});
