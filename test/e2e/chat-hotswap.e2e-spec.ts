import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { silencePcm16, sinePcm16 } from '../fake-openai/pcm-audio.util';
import {
  CHAT_MODEL, chatCompletions, chatCoreConfig, connectChat, contentText, isTurnEnd, lastUserText, replyText, sleep, statusesIn, type ChatClient,
} from '../support/chat-client.harness';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const NAME = '小天';
const PROMPT = '你是小天，阿明的猫娘。说话简短可爱。';
const SWAP_AFTER_MS = 1500;
const PREPARE_MS = 800; // leaves the outbox time to deliver /renew before the pending session reads new_dialog

jest.setTimeout(60_000);

let fake: FakeOpenAi;
let h: MainHarness;
let c: ChatClient | undefined;
let voice: ChatClient | undefined;

interface Message {
  readonly role: string;
  readonly content: unknown;
}
const messagesOf = (body: Record<string, unknown>) => body.messages as Message[];
const systemText = (body: Record<string, unknown>) =>
  messagesOf(body)
    .filter((m) => m.role === 'system')
    .map((m) => contentText(m.content))
    .join('\n');

/** Memory server's JSON API on its own port (the memory app of the harness). */
async function memoryJson(path: string): Promise<{ total?: number; items?: Array<{ text: string; type: string }>; entries?: Array<{ text: string }> }> {
  const res = await fetch(`http://127.0.0.1:${h.ctx.env.ports.memory}${path.replace(/[^ -~]/g, (ch) => encodeURIComponent(ch))}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { total?: number; items?: Array<{ text: string; type: string }> };
}

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-test', deltaIntervalMs: 10, inputSampleRate: 16_000 });
  // Reply N to "第N句" so every turn's answer can be checked.
  fake.script.defaultChat((body) => {
    const text = lastUserText(body);
    const n = /第(\d+)句/.exec(text)?.[1];
    return body.model === CHAT_MODEL && n ? { content: `回答${n}喵。` } : { content: `Echo: ${text}` };
  });
  h = await startMainApp({
    memory: true,
    coreConfig: chatCoreConfig(fake),
    env: { NEKO_HOT_SWAP_AFTER_MS: String(SWAP_AFTER_MS), NEKO_HOT_SWAP_PREPARE_MS: String(PREPARE_MS) },
  });
}, 60_000);
afterAll(async () => {
  await c?.close();
  await voice?.close();
  await h?.close();
  await fake?.close();
});

describe('hot swap (spec §5.7): the context is renewed without a gap', () => {
  it('keeps answering across the swap; the new session is primed with memory and the cached turns; /renew stored the turns', async () => {
    c = await connectChat(h.baseUrl, NAME);
    c.send('start_session', { input_type: 'text', new_session: true });
    await c.next('session_started');
    const from = c.mark();
    const started = Date.now();
    const said: string[] = [];
    let swapped: Record<string, unknown> | undefined;
    let swapTurn = 0;
    for (let n = 1; n <= 14 && !swapped; n++) {
      const text = `这是第${n}句话，主人在说第${n}句`;
      const turnFrom = c.mark();
      c.send('stream_data', { input_type: 'text', data: text });
      const turn = await c.collectUntil(isTurnEnd, { from: turnFrom, timeoutMs: 20_000 });
      expect(replyText(turn)).toBe(`回答${n}喵。`);
      said.push(text);
      const body = chatCompletions(fake.requests).filter((b) => lastUserText(b).includes(text)).at(-1);
      expect(body).toBeDefined();
      if (!body) break;
      if (systemText(body).includes('以上为前情概要')) {
        swapped = body;
        swapTurn = n;
      }
      // The first turns come quickly; later ones leave time for the mark (≥ 1.5 s of age) and the preparation.
      await sleep(Date.now() - started < SWAP_AFTER_MS ? SWAP_AFTER_MS / 2 : PREPARE_MS + 200);
    }
    expect(swapped).toBeDefined();
    // The user saw nothing of it: no status at all during the whole conversation.
    expect(statusesIn(c.since(from))).toEqual([]);

    const system = systemText(swapped!);
    expect(system).toContain(PROMPT);
    expect(system).toContain('阿明 | 今天好累啊'); // memory context (fixture's recent history)
    // Turns from before the mark reach the new prompt through memory (/renew → recent history),
    // later ones through the cache lines and the prime text; the old chat history is gone.
    expect(system).toContain('这是第1句话');
    expect(system).toContain(`这是第${swapTurn - 1}句话`);
    const assistants = messagesOf(swapped!).filter((m) => m.role === 'assistant').map((m) => contentText(m.content));
    expect(assistants).not.toContain('回答1喵。');

    // The memory server got the renewed turns (before any session end, so not through /process).
    const turns = await memoryJson(`/api/memory/${NAME}/turns?limit=500&order=asc`);
    const texts = (turns.items ?? []).map((i) => i.text);
    expect(texts.some((t) => t.includes('这是第1句话'))).toBe(true);
    expect(texts.some((t) => t.includes('回答1喵。'))).toBe(true);
    const recent = await memoryJson(`/api/memory/${NAME}/recent`);
    expect((recent.entries ?? []).some((e) => e.text.includes('这是第1句话'))).toBe(true);

    // And the swapped session answers the next turn from its own history.
    const next = c.mark();
    c.send('stream_data', { input_type: 'text', data: '最后第99句' });
    expect(replyText(await c.collectUntil(isTurnEnd, { from: next }))).toBe('回答99喵。');
    const last = chatCompletions(fake.requests).filter((b) => lastUserText(b).includes('最后第99句')).at(-1);
    expect(last && systemText(last)).toContain('以上为前情概要');
    expect(statusesIn(c.since(from))).toEqual([]);
    c.send('end_session');
    await c.waitStatus(`${NAME}已离开。`);
  }, 60_000);

  it('voice: a new realtime connection takes over between two turns, primed, without the user noticing', async () => {
    voice = await connectChat(h.baseUrl, NAME);
    voice.send('start_session', { input_type: 'audio', new_session: true });
    await voice.next('session_started', { timeoutMs: 20_000 });
    const from = voice.mark();
    const upgrades = () => fake.requests.filter((r) => r.path.endsWith('/realtime')).length;
    const before = upgrades();
    const question = Buffer.concat([sinePcm16(300, 48_000), silencePcm16(800, 48_000)]);
    let afterSwap = 0;
    for (let n = 1; n <= 16 && afterSwap < 2; n++) {
      fake.script.realtime({ transcript: `语音第${n}句` });
      const turnFrom = voice.mark();
      await voice.speak(question);
      let replied = false;
      const turn = await voice.collectUntil((e) => (replied ||= e.kind === 'json' && e.message.type === 'gemini_response') && isTurnEnd(e), { from: turnFrom, timeoutMs: 20_000 });
      // Every turn is answered, before and after the swap (the fake answers "I heard: <transcript>").
      expect(replyText(turn)).toBe(`I heard: 语音第${n}句`);
      // Swapped: the pending connection was opened and the old one closed.
      if (upgrades() > before && fake.realtime.connections === 1) afterSwap++;
      await sleep(300);
    }
    expect(afterSwap).toBe(2);
    expect(upgrades()).toBe(before + 1);
    expect(statusesIn(voice.since(from))).toEqual([]);
    const instructions = String(fake.realtime.lastSession()?.instructions);
    expect(instructions).toContain(PROMPT);
    expect(instructions).toContain('语音第1句'); // through /renew and the memory context, or the cached lines
    expect(JSON.stringify(fake.realtimeEvents)).toContain('以上为前情概要'); // the prime text (spec §5.7 step 5)
    voice.send('end_session');
    await voice.waitStatus(`${NAME}已离开。`);
  }, 60_000);
});
