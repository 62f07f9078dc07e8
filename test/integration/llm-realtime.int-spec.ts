import { LlmError, type LlmSessionEvents } from '../../src/main/llm/llm-session.port';
import { OpenAiChatCompletionAdapter } from '../../src/shared/llm/openai-chat-completion.adapter';
import { VISION_PENDING_TEXT } from '../../src/main/llm/realtime-vision.injector';
import { RealtimeSession, type RealtimeSessionConfig } from '../../src/main/llm/realtime.session';
import { sinePcm16, silencePcm16 } from '../fake-openai/pcm-audio.util';
import { startFakeOpenAi, type FakeOpenAi, type FakeOpenAiOptions } from '../fake-openai/fake-openai.server';

type Ev = [string, ...unknown[]];

function recorder() {
  const log: Ev[] = [];
  const rec = (name: string) => (...args: unknown[]) => void log.push([name, ...args.map((a) => (Buffer.isBuffer(a) ? a.length : a))]);
  const names = ['textDelta', 'outputTranscript', 'audioDelta', 'inputTranscript', 'speechStarted', 'newMessage', 'responseDone', 'connectionError', 'notice', 'repetition', 'silenceTimeout'] as const;
  const events = Object.fromEntries(names.map((n) => [n, rec(n)])) as unknown as LlmSessionEvents;
  const of = (n: string) => log.filter((e) => e[0] === n);
  const until = async (pred: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out; events: ${JSON.stringify(log.map((e) => e[0]))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { log, events, of, until, kinds: () => log.map((e) => e[0]) };
}

const KEY = 'sk-rt';
const sent = (fake: FakeOpenAi, type: string) => fake.realtimeEvents.filter((e) => e.type === type);
/** Microphone audio at the session's input rate: a tone, then enough silence for the server VAD to end the turn. */
async function speak(s: RealtimeSession, toneMs = 400): Promise<void> {
  const rate = s.inputSampleRate;
  const frame = (rate / 50) * 2; // 20 ms frames
  for (const chunk of [sinePcm16(toneMs, rate), silencePcm16(800, rate)]) {
    for (let i = 0; i < chunk.length; i += frame) await s.streamAudio(chunk.subarray(i, i + frame));
  }
}

describe('realtime LLM session against the fake provider (spec §6.4)', () => {
  let fake: FakeOpenAi;
  const sessions: RealtimeSession[] = [];
  const start = async (opts: FakeOpenAiOptions = {}) => {
    fake = await startFakeOpenAi({ apiKey: KEY, inputSampleRate: 16_000, ...opts });
  };
  const open = async (model: string, r = recorder(), extra: Partial<RealtimeSessionConfig> = {}, nativeAudio = true) => {
    const s = new RealtimeSession({ url: fake.wsUrl, model, apiKey: KEY, apiType: 'qwen', transcriptHoldMs: 1000, ...extra }, r.events);
    sessions.push(s);
    await s.connect('你是猫娘。', { nativeAudio });
    return { s, r };
  };

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await fake.close();
  });

  it.each([
    ['glm-realtime-air', { voice: 'tongtong', beta_fields: { chat_mode: 'video_passive', auto_search: true } }],
    ['qwen3-omni-flash-realtime-2025-12-01', { voice: 'Cherry', input_audio_transcription: { model: 'gummy-realtime-v1' } }],
    ['gpt-realtime', { type: 'realtime', output_modalities: ['audio'], audio: { output: { voice: 'marin' } } }],
    ['step-audio-2', { voice: 'qingchunshaonv', modalities: ['text', 'audio'] }],
  ])('%s: the first session.update is accepted', async (model, expected) => {
    await start();
    await open(model);
    expect(fake.realtime.lastSession()).toMatchObject(expected);
    const upgrade = fake.requests.find((r) => r.path.endsWith('/realtime'));
    expect(upgrade?.query.model).toBe(model);
    expect(upgrade?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(String(fake.realtimeEvents[0].event_id)).toMatch(/^event_\d{13}_\d+$/);
  });

  it('free-model: the URL is used as is (beta dialect)', async () => {
    await start({ realtimeDialect: 'beta' });
    await open('free-model', recorder(), { apiType: 'free' });
    expect(fake.requests[0].query.model).toBeUndefined();
    expect(fake.realtime.lastSession()).toMatchObject({ voice: 'qingchunshaonv' });
  });

  it('VAD turn: speech events, the user transcript before the reply transcript, 24 kHz audio, done', async () => {
    await start();
    fake.script.realtime({ transcript: '晚上好', transcriptDelayMs: 120, reply: '晚上好呀主人' });
    const { s, r } = await open('qwen3-omni-flash-realtime');
    await speak(s);
    await r.until(() => r.of('responseDone').length === 1);
    const kinds = r.kinds();
    expect(kinds.indexOf('speechStarted')).toBeLessThan(kinds.indexOf('newMessage'));
    expect(kinds.indexOf('inputTranscript')).toBeLessThan(kinds.indexOf('outputTranscript'));
    expect(r.of('inputTranscript')).toEqual([['inputTranscript', '晚上好']]);
    expect(r.of('outputTranscript').map((e) => e[1]).join('')).toBe('晚上好呀主人');
    expect(r.of('outputTranscript')[0][2]).toBe(true);
    const audio = r.of('audioDelta').map((e) => e[1] as number);
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.every((n) => n % 2 === 0)).toBe(true);
    expect(audio.reduce((a, b) => a + b, 0)).toBe(6 * 600 * 2); // 25 ms of 24 kHz per character
    expect(kinds[kinds.length - 1]).toBe('responseDone');
  });

  it('gpt (GA): the session takes 24 kHz microphone audio (the only rate GA accepts) and the turn is heard', async () => {
    await start();
    const { s, r } = await open('gpt-realtime');
    expect(s.inputSampleRate).toBe(24_000);
    await speak(s);
    await r.until(() => r.of('responseDone').length === 1);
    const appended = sent(fake, 'input_audio_buffer.append').reduce((n, e) => n + Buffer.from(String(e.audio), 'base64').length, 0);
    expect(Math.abs(appended - 1.2 * 24_000 * 2)).toBeLessThan(400);
    expect(r.of('inputTranscript')).toEqual([['inputTranscript', 'Hello from the fake microphone.']]);
  });

  it('text modality: qwen text deltas are shown, glm ones are ignored', async () => {
    await start();
    fake.script.realtime({ reply: '你好呀' });
    const qwen = await open('qwen3-omni-flash-realtime', recorder(), {}, false);
    await qwen.s.streamText('你好');
    expect(qwen.r.of('textDelta').map((e) => e[1]).join('')).toBe('你好呀');
    expect(qwen.r.of('textDelta')[0][2]).toBe(true);
    expect(qwen.r.of('audioDelta')).toEqual([]);
    const glm = await open('glm-realtime-air', recorder(), { apiType: 'glm' }, false);
    await glm.s.streamText('你好');
    expect(glm.r.of('textDelta')).toEqual([]);
    expect(glm.r.of('responseDone')).toHaveLength(1);
  });

  it('barge-in: speech during a reply cancels it', async () => {
    await start({ deltaIntervalMs: 30 });
    fake.script.realtime({ reply: '这是一段很长很长的回答，'.repeat(6) });
    const { s, r } = await open('qwen3-omni-flash-realtime');
    const reply = s.createResponse('讲个故事', { skipped: false });
    await r.until(() => r.of('audioDelta').length > 0);
    await s.streamAudio(sinePcm16(300, 16_000));
    await reply; // the cancelled reply ended
    expect(r.of('responseDone')).toHaveLength(1);
    await s.streamAudio(silencePcm16(800, 16_000));
    await r.until(() => r.of('responseDone').length === 2); // the answer to the interrupting turn
    expect(r.kinds().indexOf('speechStarted')).toBeLessThan(r.kinds().indexOf('responseDone'));
    // Only the reply that was interrupted, by id and once: a bare cancel could stop the next one.
    const cancels = sent(fake, 'response.cancel');
    expect(cancels).toHaveLength(1);
    expect(typeof cancels[0].response_id).toBe('string');
    expect(r.of('outputTranscript').map((e) => e[1]).join('').length).toBeLessThan(60);
  });

  it('cancelResponse stops the reply; qwen prompts go through instructions, gpt ones as items', async () => {
    await start({ deltaIntervalMs: 30 });
    fake.script.realtime({ reply: '很长的回答'.repeat(10) });
    const q = await open('qwen3-omni-flash-realtime');
    await q.s.addContext('记忆: 主人喜欢猫');
    const reply = q.s.createResponse('主人回来了', { skipped: false });
    await q.r.until(() => q.r.of('outputTranscript').length > 0);
    await q.s.cancelResponse();
    await reply;
    const updates = sent(fake, 'session.update').map((e) => (e.session as { instructions?: string }).instructions);
    expect(updates.slice(1)).toEqual(['你是猫娘。\n记忆: 主人喜欢猫', '你是猫娘。\n记忆: 主人喜欢猫\n主人回来了']);
    expect(sent(fake, 'response.cancel')).toHaveLength(1);

    fake.clearRequests();
    fake.realtimeEvents.length = 0;
    const g = await open('gpt-realtime');
    await g.s.addContext('ctx');
    await g.s.createResponse('hello', { skipped: false });
    expect(fake.realtimeEvents.map((e) => e.type)).toEqual(['session.update', 'conversation.item.create', 'conversation.item.create', 'response.create']);
    expect(fake.realtimeEvents[1]).toMatchObject({ item: { role: 'system', content: [{ type: 'input_text', text: 'ctx' }] } });
    expect(g.r.of('outputTranscript').map((e) => e[1]).join('')).toBe('I heard: hello');
  });

  it('a skipped response reports nothing; images are sent only while the user speaks', async () => {
    await start();
    const { s, r } = await open('qwen3-omni-flash-realtime');
    await s.createResponse('SYSTEM_MESSAGE | 预热', { skipped: true });
    expect(r.log).toEqual([]);
    await s.streamImage('/9j/AAAA');
    expect(sent(fake, 'input_image_buffer.append')).toEqual([]);
    await s.streamAudio(sinePcm16(200, 16_000));
    await r.until(() => r.of('speechStarted').length === 1);
    await s.streamImage('/9j/BBBB');
    await r.until(() => sent(fake, 'input_image_buffer.append').length === 1);
    expect(sent(fake, 'input_image_buffer.append')[0]).toMatchObject({ image: '/9j/BBBB' });
  });

  it('three near-identical replies in a row are reported as repetition', async () => {
    await start();
    fake.script.realtime({ reply: '我是一只可爱的猫娘，喜欢和主人聊天。', times: 3 });
    const { s, r } = await open('qwen3-omni-flash-realtime');
    for (const t of ['a', 'b', 'c']) await s.createResponse(t, { skipped: false });
    expect(r.of('repetition')).toHaveLength(1);
    expect(r.of('responseDone')).toHaveLength(3);
  });

  it('step/free: frames are described by the vision model and injected once per turn', async () => {
    await start();
    fake.script.chat({ content: '一只猫在键盘上睡觉' });
    const vision = { chat: new OpenAiChatCompletionAdapter(), endpoint: { model: 'step-1o-turbo-vision', apiKey: KEY, baseUrl: fake.baseUrl } };
    const { s, r } = await open('step-audio-2', recorder(), { apiType: 'step', vision });
    const items = () => sent(fake, 'conversation.item.create').map((e) => ((e.item as { content: { text: string }[] }).content[0].text));
    await s.streamAudio(sinePcm16(200, 16_000));
    await r.until(() => r.of('speechStarted').length === 1);
    await s.streamImage('/9j/AAAA');
    await s.streamImage('/9j/BBBB');
    await r.until(() => items().length === 1 && fake.requests.some((q) => q.path.endsWith('/chat/completions')));
    expect(items()).toEqual([VISION_PENDING_TEXT]);
    const described = fake.requests.find((q) => q.path.endsWith('/chat/completions'))?.body;
    expect(described).toMatchObject({ model: 'step-1o-turbo-vision', max_tokens: 500 });
    expect(JSON.stringify(described)).toContain('data:image/jpeg;base64,/9j/AAAA');
    await s.streamAudio(silencePcm16(800, 16_000));
    await r.until(() => r.of('responseDone').length === 1);
    await s.streamAudio(sinePcm16(200, 16_000));
    await r.until(() => r.of('speechStarted').length === 2);
    await s.streamImage('/9j/CCCC');
    await r.until(() => items().length === 2);
    expect(items()[1]).toBe('[用户的实时屏幕截图或相机画面]: 一只猫在键盘上睡觉');
  });

  it('provider close codes and standing errors become connectionError', async () => {
    await start();
    const a = await open('qwen3-omni-flash-realtime');
    fake.realtime.closeAll(1011, 'server overloaded');
    await a.r.until(() => a.r.of('connectionError').length === 1);
    expect(String(a.r.of('connectionError')[0][1])).toContain('server overloaded');
    expect(a.s.isOpen).toBe(false);

    const b = await open('qwen3-omni-flash-realtime');
    fake.realtime.closeAll(1006);
    await b.r.until(() => b.r.of('connectionError').length === 1);
    expect(String(b.r.of('connectionError')[0][1])).toContain('1006');

    const c = await open('qwen3-omni-flash-realtime');
    fake.realtime.sendError({ code: 'Arrearage', message: 'Access denied, account is not in good standing' });
    await c.r.until(() => c.r.of('connectionError').length === 1);
    await c.r.until(() => fake.realtime.connections === 0);
    expect(c.r.of('connectionError')).toHaveLength(1); // our own close is not reported again
  });

  it('a provider that goes quiet mid-reply times out; glm gets a silence timeout once', async () => {
    await start({ deltaIntervalMs: 5000 });
    const { s, r } = await open('qwen3-omni-flash-realtime', recorder(), { receiveTimeoutMs: 200 });
    void s.createResponse('hi', { skipped: false });
    await r.until(() => r.of('connectionError').length === 1);
    expect(r.of('connectionError')[0][1]).toBe('💥 连接超时，请检查网络连接。');

    const glm = await open('glm-realtime-air', recorder(), { apiType: 'glm', silenceTimeoutMs: 80 });
    const qwen = await open('qwen3-omni-flash-realtime', recorder(), { silenceTimeoutMs: 80 });
    await new Promise((res) => setTimeout(res, 300));
    expect(glm.r.of('silenceTimeout')).toHaveLength(1);
    expect(qwen.r.of('silenceTimeout')).toEqual([]);
  });

  it('a session.update the provider rejects fails connect() without a connectionError', async () => {
    await start({ realtimeDialect: 'ga' });
    const r = recorder();
    const s = new RealtimeSession({ url: fake.wsUrl, model: 'step-audio-2', apiKey: KEY, apiType: 'step' }, r.events);
    const err = (await s.connect('x', { nativeAudio: true }).catch((e: unknown) => e)) as LlmError;
    expect([err.kind, err.message]).toEqual(['other', expect.stringContaining("Missing required parameter: 'session.type'")]);
    expect(s.isOpen).toBe(false);
    await new Promise((res) => setTimeout(res, 30));
    expect(r.log).toEqual([]);
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [429, 'rate_limited'],
    [500, 'other'],
  ])('a refused upgrade (%i) is LlmError %s', async (status, kind) => {
    await start();
    fake.script.error('realtime', status);
    const err = (await open('gpt-realtime').catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect([err.kind, err.status]).toEqual([kind, status]);
  });

  it('a wrong key, a closed port and an unknown model', async () => {
    await start();
    const wrong = new RealtimeSession({ url: fake.wsUrl, model: 'gpt-realtime', apiKey: 'sk-bad', apiType: 'openai' }, recorder().events);
    expect(((await wrong.connect('x', { nativeAudio: true }).catch((e: unknown) => e)) as LlmError).kind).toBe('unauthorized');
    const closed = new RealtimeSession({ url: 'ws://127.0.0.1:9/v1/realtime', model: 'gpt-realtime', apiKey: KEY, apiType: 'openai' }, recorder().events);
    const unreachable = (await closed.connect('x', { nativeAudio: true }).catch((e: unknown) => e)) as LlmError;
    expect([unreachable.kind, unreachable.message]).toEqual(['unreachable', expect.stringContaining('All connection attempts failed')]);
    const invalid = new RealtimeSession({ url: fake.wsUrl, model: 'llama3', apiKey: KEY, apiType: 'local' }, recorder().events);
    const bad = (await invalid.connect('x', { nativeAudio: true }).catch((e: unknown) => e)) as LlmError;
    expect([bad.kind, bad.message]).toEqual(['other', 'Invalid model: llama3']);
    expect(fake.requests.filter((r) => r.path.endsWith('/realtime'))).toHaveLength(1);
  });
});
