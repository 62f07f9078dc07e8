import WebSocket from 'ws';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.server';
import { silencePcm16, sinePcm16 } from './pcm-audio.util';
import { connectRealtime, type RawRealtimeClient } from './realtime-client.harness';

const loud = (ms: number) => sinePcm16(ms, 24_000, 300, 0.5);

describe('fake realtime WebSocket (OpenAI Realtime protocol, raw ws client)', () => {
  let fake: FakeOpenAi;
  const clients: RawRealtimeClient[] = [];
  const connect = async (model = 'qwen3-omni-flash-realtime', key = 'sk-rt') => {
    const c = await connectRealtime(`${fake.wsUrl}?model=${model}`, { Authorization: `Bearer ${key}` });
    clients.push(c);
    await c.next('session.created');
    return c;
  };
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-rt' });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.ws.terminate());
    await fake.close();
  });

  it('detects a spoken turn with server VAD, transcribes it and answers with streamed audio + transcript', async () => {
    const c = await connect();
    expect(c.events[0]).toMatchObject({ type: 'session.created', session: { object: 'realtime.session', model: 'qwen3-omni-flash-realtime', modalities: ['text', 'audio'] } });
    fake.script.realtime({ transcript: '今天天气怎么样', reply: '晴天哦，出去走走吧' });
    c.send({ type: 'session.update', session: { instructions: 'be cute', modalities: ['text', 'audio'], voice: 'Cherry', input_audio_transcription: { model: 'gummy-realtime-v1' }, turn_detection: { type: 'server_vad', silence_duration_ms: 300 } } });
    const updated = await c.next('session.updated');
    expect(updated.session).toMatchObject({ instructions: 'be cute', voice: 'Cherry', turn_detection: { type: 'server_vad', silence_duration_ms: 300, prefix_padding_ms: 300 } });

    c.speak(Buffer.concat([silencePcm16(200), loud(600), silencePcm16(500)]));
    const started = await c.next('input_audio_buffer.speech_started');
    const stopped = await c.next('input_audio_buffer.speech_stopped');
    expect(started.audio_start_ms).toBe(200);
    expect(stopped.audio_end_ms).toBe(200 + 600 + 300);
    const committed = await c.next('input_audio_buffer.committed');
    expect(committed.item_id).toBe(started.item_id);
    expect((await c.next('conversation.item.created')).item).toMatchObject({ id: committed.item_id, role: 'user' });
    expect((await c.next('conversation.item.input_audio_transcription.completed')).transcript).toBe('今天天气怎么样');
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ status: 'completed', usage: { total_tokens: expect.any(Number), output_tokens: expect.any(Number) } });

    const types = c.types();
    const order = ['input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.input_audio_transcription.completed', 'response.created', 'response.output_item.added', 'response.content_part.added', 'response.audio.delta', 'response.audio.done', 'response.audio_transcript.done', 'response.content_part.done', 'response.output_item.done', 'response.done'];
    expect(order.map((t) => types.indexOf(t))).toEqual([...order.map((t) => types.indexOf(t))].sort((a, b) => a - b));
    expect(c.joined('response.audio_transcript.delta')).toBe('晴天哦，出去走走吧');
    const audio = c.events.filter((e) => e.type === 'response.audio.delta').map((e) => Buffer.from(e.delta, 'base64'));
    expect(audio.length).toBeGreaterThan(1);
    expect(Buffer.concat(audio).length).toBe(9 * 25 * 48); // 25 ms of 24 kHz pcm16 per character
    expect(c.events.find((e) => e.type === 'response.audio_transcript.done')?.transcript).toBe('晴天哦，出去走走吧');
    expect(types.some((t) => t.startsWith('response.output_audio'))).toBe(false);
    expect(fake.realtime.lastSession()).toMatchObject({ instructions: 'be cute' });
    expect(fake.realtimeEvents.filter((e) => e.type === 'input_audio_buffer.append').length).toBe(65); // 1.3 s in 20 ms chunks
  });

  it('does not hear quiet audio and waits for silence_duration_ms before ending the turn', async () => {
    const c = await connect();
    c.send({ type: 'session.update', session: { turn_detection: { type: 'server_vad' } } }); // default 500 ms
    await c.next('session.updated');
    c.speak(sinePcm16(500, 24_000, 300, 0.005)); // RMS ≈ 116, under the threshold
    c.speak(Buffer.concat([loud(300), silencePcm16(400)]));
    await c.next('input_audio_buffer.speech_started');
    await new Promise((r) => setTimeout(r, 50));
    expect(c.types()).not.toContain('input_audio_buffer.speech_stopped');
    c.speak(silencePcm16(100));
    expect((await c.next('input_audio_buffer.speech_stopped')).audio_end_ms).toBe(500 + 300 + 500);
    expect(c.types().filter((t) => t === 'input_audio_buffer.speech_started')).toHaveLength(1);
  });

  it('can deliver the input transcript late, after the response has started', async () => {
    const c = await connect();
    fake.script.realtime({ transcript: 'late words', transcriptDelayMs: 40, reply: 'a reply with several deltas in it' });
    c.speak(Buffer.concat([loud(200), silencePcm16(500)]));
    expect((await c.next('conversation.item.input_audio_transcription.completed')).transcript).toBe('late words');
    const types = c.types();
    expect(types.indexOf('response.audio_transcript.delta')).toBeGreaterThan(-1);
    expect(types.indexOf('response.audio_transcript.delta')).toBeLessThan(types.indexOf('conversation.item.input_audio_transcription.completed'));
  });

  it('cancels a response mid-stream on response.cancel', async () => {
    await fake.close();
    fake = await startFakeOpenAi({ apiKey: 'sk-rt', deltaIntervalMs: 25 });
    const c = await connect();
    fake.script.realtime({ reply: 'a long answer that keeps going and going for quite a while' });
    c.send({ type: 'response.create' });
    const first = await c.next('response.audio.delta');
    c.send({ type: 'response.cancel' });
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ id: first.response_id, status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
    expect(c.events.filter((e) => e.type === 'response.audio.delta').length).toBeLessThan(4);
    expect(c.types()).not.toContain('response.audio_transcript.done');
    c.send({ type: 'response.cancel' });
    expect((await c.next('error')).error.code).toBe('response_cancel_not_active');
  });

  it('lets new speech interrupt a running response (barge-in)', async () => {
    await fake.close();
    fake = await startFakeOpenAi({ apiKey: 'sk-rt', deltaIntervalMs: 25 });
    const c = await connect();
    fake.script.realtime({ reply: 'an answer long enough to be interrupted by the user' });
    c.send({ type: 'response.create' });
    await c.next('response.audio.delta');
    c.speak(loud(100));
    await c.next('input_audio_buffer.speech_started');
    expect((await c.next('response.done')).response.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
  });

  it('answers malformed or invalid frames with error events and keeps the session', async () => {
    const c = await connect();
    c.ws.send('{not json');
    expect((await c.next('error')).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next('error')).error.code).toBe('invalid_json');
    c.send({ no: 'type' });
    expect((await c.next('error')).error.code).toBe('missing_required_parameter');
    c.send({ type: 'no.such.event', event_id: 'evt_42' });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', event_id: 'evt_42' });
    c.send({ type: 'input_audio_buffer.commit' });
    expect((await c.next('error')).error.code).toBe('input_audio_buffer_commit_empty');
    c.send({ type: 'input_audio_buffer.append', audio: 'not base64!' });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'audio' });
    c.send({ type: 'session.update', session: { voice: 'Cherry' } });
    expect((await c.next('session.updated')).session.voice).toBe('Cherry');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('injects scripted error events and closes the socket with a scripted code', async () => {
    const c = await connect();
    fake.script.realtime({ error: { code: 'insufficient_quota', message: '账户欠费' } }, { close: { code: 4001, reason: 'quota' } });
    c.send({ type: 'response.create' });
    expect((await c.next('error')).error).toMatchObject({ code: 'insufficient_quota', message: '账户欠费' });
    await new Promise((r) => setTimeout(r, 20));
    expect(c.types()).not.toContain('response.created');
    c.send({ type: 'response.create' });
    expect(await c.closed()).toBe(4001);
  });

  it('can fail a response part-way, and tests can push events or close at any time', async () => {
    const c = await connect();
    fake.script.realtime({ reply: 'one two three four five six', error: { code: 'server_error', message: 'upstream died' }, afterDeltas: 2 });
    c.send({ type: 'response.create' });
    expect((await c.next('error')).error).toMatchObject({ code: 'server_error', message: 'upstream died' });
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { message: 'upstream died' } } });
    expect(c.events.filter((e) => e.type === 'response.audio.delta')).toHaveLength(2);
    fake.realtime.sendError({ code: 'rate_limit_exceeded', message: 'standing by' });
    expect((await c.next('error')).error.message).toBe('standing by');
    fake.realtime.closeAll(1011, 'bye');
    expect(await c.closed()).toBe(1011);
  });

  it('refuses upgrades with a wrong key (401) or a scripted error', async () => {
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${fake.wsUrl}?model=gpt-realtime`, { headers });
        ws.on('error', () => undefined);
        ws.once('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
      });
    expect(await status({ Authorization: 'Bearer nope' })).toBe(401);
    expect(await status({})).toBe(401);
    fake.script.error('realtime', 429);
    expect(await status({ Authorization: 'Bearer sk-rt' })).toBe(429);
    const upgrades = fake.requests.filter((r) => r.path === '/v1/realtime');
    expect(upgrades).toHaveLength(3);
    expect(upgrades[0].query).toEqual({ model: 'gpt-realtime' });
  });
});
