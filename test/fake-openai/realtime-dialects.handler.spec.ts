import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.server';
import { silencePcm16, sinePcm16 } from './pcm-audio.util';
import { connectRealtime, type RawRealtimeClient } from './realtime-client.harness';

/** The first session.update of each provider, as our realtime client sends it (spec §6.4). */
const GPT_SESSION = {
  type: 'realtime',
  model: 'gpt-realtime',
  instructions: 'prompt\n请使用卡哇伊的声音与用户交流。\n',
  output_modalities: ['audio'],
  audio: {
    input: { transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true } },
    output: { voice: 'marin', speed: 1.0 },
  },
};
const GLM_SESSION = {
  instructions: 'prompt',
  modalities: ['text', 'audio'],
  voice: 'tongtong',
  input_audio_format: 'pcm16',
  output_audio_format: 'pcm',
  turn_detection: { type: 'server_vad' },
  input_audio_noise_reduction: { type: 'far_field' },
  beta_fields: { chat_mode: 'video_passive', auto_search: true },
  temperature: 1.0,
};
const STEP_SESSION = {
  instructions: 'prompt',
  modalities: ['text', 'audio'],
  voice: 'qingchunshaonv',
  input_audio_format: 'pcm16',
  output_audio_format: 'pcm16',
  turn_detection: { type: 'server_vad' },
  tools: [{ type: 'web_search', function: { description: '这个web_search用来搜索互联网的信息' } }],
};

describe('fake realtime: provider dialects (gpt GA, glm, step, qwen TTS)', () => {
  let fake: FakeOpenAi;
  const clients: RawRealtimeClient[] = [];
  const connect = async (path: string) => {
    const c = await connectRealtime(`${fake.url}${path}`.replace('http', 'ws'), { Authorization: 'Bearer sk-rt' });
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-rt', deltaIntervalMs: 1 });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.ws.terminate());
    await fake.close();
  });

  it('speaks the GA shape and event names to a gpt model', async () => {
    const c = await connect('/v1/realtime?model=gpt-realtime');
    const created = await c.next('session.created');
    expect(created.session).toMatchObject({ type: 'realtime', output_modalities: ['audio'], audio: { input: { format: { type: 'audio/pcm', rate: 24_000 }, turn_detection: { type: 'server_vad' } } } });
    expect(created.session.modalities).toBeUndefined();

    c.send({ type: 'session.update', session: { type: 'realtime', modalities: ['text'] } });
    expect((await c.next('error')).error).toMatchObject({ code: 'unknown_parameter', param: 'session.modalities' });
    c.send({ type: 'session.update', session: { instructions: 'x' } });
    expect((await c.next('error')).error).toMatchObject({ code: 'missing_required_parameter', param: 'session.type' });

    fake.script.realtime({ transcript: 'what time is it', reply: 'tea time!' });
    c.send({ type: 'session.update', session: GPT_SESSION });
    expect((await c.next('session.updated')).session).toMatchObject({ audio: { input: { turn_detection: { type: 'semantic_vad' } }, output: { voice: 'marin' } } });
    c.speak(Buffer.concat([sinePcm16(300, 24_000, 300, 0.5), silencePcm16(600)]));
    expect((await c.next('conversation.item.input_audio_transcription.completed')).transcript).toBe('what time is it');
    expect((await c.next('response.done')).response).toMatchObject({ status: 'completed', output_modalities: ['audio'] });
    expect(c.joined('response.output_audio_transcript.delta')).toBe('tea time!');
    expect(c.events.filter((e) => e.type === 'response.output_audio.delta').length).toBeGreaterThan(1);
    expect(c.types()).toEqual(expect.arrayContaining(['conversation.item.added', 'conversation.item.done', 'response.output_audio.done', 'response.output_audio_transcript.done']));
    expect(c.types().filter((t) => t.startsWith('response.audio') || t === 'conversation.item.created')).toEqual([]);

    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], audio: { input: { turn_detection: null } } } });
    await c.next('session.updated');
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'data:image/jpeg;base64,AAAA' }, { type: 'input_text', text: 'hello' }] } });
    await c.next('conversation.item.added');
    c.send({ type: 'response.create' });
    await c.next('response.done');
    expect(c.joined('response.output_text.delta')).toBe('I heard: hello');
    expect(c.events.find((e) => e.type === 'response.output_text.done')?.text).toBe('I heard: hello');
  });

  it('accepts the GLM session and video frames, answering in beta event names', async () => {
    const c = await connect('/api/paas/v4/realtime?model=glm-realtime-air');
    await c.next('session.created');
    c.send({ type: 'session.update', session: GLM_SESSION });
    const updated = await c.next('session.updated');
    expect(updated.session).toMatchObject({ voice: 'tongtong', output_audio_format: 'pcm', beta_fields: { chat_mode: 'video_passive' }, input_audio_noise_reduction: { type: 'far_field' } });
    c.send({ type: 'input_audio_buffer.append_video_frame', video_frame: 'AAAA' });
    c.speak(Buffer.concat([sinePcm16(200, 24_000, 300, 0.5), silencePcm16(520)]));
    // GLM configures no transcription, yet our client needs the user's words: transcribed by default.
    expect((await c.next('conversation.item.input_audio_transcription.completed')).transcript).toBe('Hello from the fake microphone.');
    await c.next('response.done');
    expect(c.joined('response.audio_transcript.delta')).toBe('I heard: Hello from the fake microphone.');
    expect(c.types()).not.toContain('error');
  });

  it('accepts the Step session (with its web_search tool) and text turns followed by response.create', async () => {
    const c = await connect('/v1/realtime?model=step-audio-2');
    await c.next('session.created');
    c.send({ type: 'session.update', session: STEP_SESSION });
    expect((await c.next('session.updated')).session.tools).toEqual(STEP_SESSION.tools);
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[用户的实时屏幕截图或相机画面正在分析中。]' }] } });
    expect((await c.next('conversation.item.created')).item.content[0].text).toContain('截图');
    c.send({ type: 'response.create' });
    c.send({ type: 'response.create' });
    expect((await c.next('error')).error.code).toBe('conversation_already_has_active_response');
    await c.next('response.done');
  });

  it('honours an explicit null transcription and manual commits without VAD', async () => {
    const c = await connect('/v1/realtime?model=qwen-omni-turbo-realtime');
    await c.next('session.created');
    c.send({ type: 'session.update', session: { turn_detection: null, input_audio_transcription: null } });
    await c.next('session.updated');
    c.speak(sinePcm16(300, 24_000, 300, 0.5));
    c.send({ type: 'input_image_buffer.append', image: '/9j/4AAQ' });
    c.send({ type: 'input_audio_buffer.commit' });
    await c.next('input_audio_buffer.committed');
    await new Promise((r) => setTimeout(r, 30));
    expect(c.types()).not.toContain('input_audio_buffer.speech_started');
    expect(c.types()).not.toContain('conversation.item.input_audio_transcription.completed');
    expect(c.types()).not.toContain('response.created'); // a manual commit does not answer by itself
  });

  it('synthesises Qwen TTS (input_text_buffer.*, session.finish)', async () => {
    const c = await connect('/api-ws/v1/realtime?model=qwen3-tts-flash-realtime-2025-09-18');
    await c.next('session.created');
    c.send({ type: 'session.update', session: { mode: 'server_commit', voice: 'Cherry', response_format: 'pcm', sample_rate: 24000, channels: 1, bit_depth: 16 } });
    expect((await c.next('session.updated')).session).toMatchObject({ mode: 'server_commit', voice: 'Cherry' });
    c.send({ type: 'input_text_buffer.append', text: '你好，' });
    c.send({ type: 'input_text_buffer.append', text: '主人！' });
    c.send({ type: 'input_text_buffer.commit' });
    await c.next('input_text_buffer.committed');
    await c.next('response.done');
    const pcm = Buffer.concat(c.events.filter((e) => e.type === 'response.audio.delta').map((e) => Buffer.from(e.delta, 'base64')));
    expect(pcm.length).toBe(6 * 25 * 48);
    expect(c.types()).not.toContain('response.audio_transcript.delta');
    c.send({ type: 'input_text_buffer.append', text: '再见' });
    c.send({ type: 'session.finish' });
    await c.next('session.finished');
    expect(await c.closed()).toBe(1000);
    expect(c.events.filter((e) => e.type === 'response.done')).toHaveLength(2);
  });
});
