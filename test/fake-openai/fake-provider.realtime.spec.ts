import WebSocket from 'ws';
import { sinePcm16 } from './fake-provider.audio';
import { startFakeOpenAi, type FakeOpenAi } from './fake-provider.server';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- server events are loosely typed JSON
type Event = Record<string, any>;

/** A raw realtime client: records server events, waits for a given type. */
async function connect(fake: FakeOpenAi, query = '?model=gpt-realtime', key = 'sk-rt') {
  const ws = new WebSocket(`${fake.wsUrl}${query}`, { headers: { Authorization: `Bearer ${key}` } });
  const events: Event[] = [];
  const consumed = new Set<number>();
  const waiters: Array<{ type: string; resolve: (e: Event) => void }> = [];
  ws.on('message', (data) => {
    const e = JSON.parse((data as Buffer).toString('utf8')) as Event;
    events.push(e);
    const w = waiters.find((x) => x.type === e.type);
    if (w) {
      consumed.add(events.length - 1);
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  /** The first not yet awaited event of this type, already received or still to come. */
  const next = (type: string, timeoutMs = 3000) =>
    new Promise<Event>((resolve, reject) => {
      const index = events.findIndex((e, i) => e.type === type && !consumed.has(i));
      if (index >= 0) {
        consumed.add(index);
        return resolve(events[index]);
      }
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms; got ${events.map((x) => x.type).join(', ')}`)), timeoutMs);
      waiters.push({ type, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  const send = (e: Event) => ws.send(JSON.stringify({ event_id: `event_${Date.now()}`, ...e }));
  /** Streams PCM in 20 ms chunks, like a microphone. */
  const speak = (pcm: Buffer) => {
    for (let i = 0; i < pcm.length; i += 960) send({ type: 'input_audio_buffer.append', audio: pcm.subarray(i, i + 960).toString('base64') });
  };
  return { ws, events, next, send, speak };
}

const silence = (ms: number) => Buffer.alloc(Math.round(24 * ms) * 2);

describe('fake realtime WebSocket (OpenAI Realtime protocol)', () => {
  let fake: FakeOpenAi;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-rt' });
  });
  afterEach(() => fake.close());

  it('detects speech with server VAD, transcribes and answers with audio and transcript (beta names)', async () => {
    const c = await connect(fake);
    const created = await c.next('session.created');
    expect(created.session.model).toBe('gpt-realtime');
    fake.script.realtime({ transcript: '今天天气怎么样', reply: '晴天哦，出去走走吧' });
    c.send({ type: 'session.update', session: { instructions: 'be cute', modalities: ['text', 'audio'], input_audio_transcription: { model: 'gummy-realtime-v1' }, turn_detection: { type: 'server_vad', silence_duration_ms: 300 } } });
    expect((await c.next('session.updated')).session.instructions).toBe('be cute');

    const started = c.next('input_audio_buffer.speech_started');
    const stopped = c.next('input_audio_buffer.speech_stopped');
    const transcript = c.next('conversation.item.input_audio_transcription.completed');
    const done = c.next('response.done');
    c.speak(Buffer.concat([silence(200), sinePcm16(600, 24_000, 300, 0.5), silence(500)]));
    expect((await started).audio_start_ms).toBeGreaterThanOrEqual(190);
    expect((await stopped).audio_end_ms).toBeGreaterThanOrEqual(1000);
    expect((await transcript).transcript).toBe('今天天气怎么样');
    expect((await done).response.status).toBe('completed');

    const types = c.events.map((e) => e.type);
    expect(types.indexOf('input_audio_buffer.committed')).toBeLessThan(types.indexOf('response.created'));
    const said = c.events.filter((e) => e.type === 'response.audio_transcript.delta').map((e) => e.delta).join('');
    expect(said).toBe('晴天哦，出去走走吧');
    const audio = c.events.filter((e) => e.type === 'response.audio.delta');
    expect(audio.length).toBeGreaterThan(1);
    expect(Buffer.from(audio[0].delta, 'base64').length).toBe(4800);
    expect(c.events.find((e) => e.type === 'response.audio_transcript.done')?.transcript).toBe(said);
    c.ws.close();
  });

  it('uses the GA event names for a GA session and text output when asked', async () => {
    const c = await connect(fake);
    await c.next('session.created');
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], audio: { input: { turn_detection: null } } } });
    await c.next('session.updated');
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] } });
    await c.next('conversation.item.created');
    const done = c.next('response.done');
    c.send({ type: 'response.create' });
    await done;
    expect(c.events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe('I heard: hello');
    expect(c.events.some((e) => e.type.startsWith('response.audio'))).toBe(false);
    c.ws.close();
  });

  it('cancels a response mid-stream', async () => {
    fake = await (async () => {
      await fake.close();
      return startFakeOpenAi({ apiKey: 'sk-rt', deltaIntervalMs: 30 });
    })();
    const c = await connect(fake);
    await c.next('session.created');
    fake.script.realtime({ reply: 'a long answer that keeps going and going for quite a while' });
    const firstDelta = c.next('response.audio.delta');
    const done = c.next('response.done');
    c.send({ type: 'response.create' });
    await firstDelta;
    c.send({ type: 'response.cancel' });
    const response = (await done).response;
    expect(response.status).toBe('cancelled');
    expect(c.events.filter((e) => e.type === 'response.audio_transcript.delta').length).toBeLessThan(5);
    c.send({ type: 'response.cancel' });
    expect((await c.next('error')).error.code).toBe('response_cancel_not_active');
    c.ws.close();
  });

  it('answers malformed frames with an error event and keeps the session', async () => {
    const c = await connect(fake);
    await c.next('session.created');
    c.ws.send('{not json');
    expect((await c.next('error')).error.code).toBe('invalid_json');
    c.send({ type: 'input_audio_buffer.commit' });
    expect((await c.next('error')).error.code).toBe('input_audio_buffer_commit_empty');
    c.send({ type: 'no.such.event' });
    expect((await c.next('error')).error.code).toBe('invalid_value');
    c.send({ type: 'input_image_buffer.append', image: 'AAAA' });
    c.send({ type: 'session.update', session: { voice: 'Cherry' } });
    expect((await c.next('session.updated')).session.voice).toBe('Cherry');
    expect(fake.realtimeEvents.map((e) => e.type)).toContain('input_image_buffer.append');
    c.ws.close();
  });

  it('lets a test inject errors and close the socket', async () => {
    const c = await connect(fake);
    await c.next('session.created');
    await new Promise((r) => setTimeout(r, 20));
    fake.realtime.broadcast({ type: 'error', error: { type: 'invalid_request_error', code: 'insufficient_quota', message: '欠费' } });
    expect((await c.next('error')).error.message).toBe('欠费');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    fake.realtime.closeAll(4000, 'bye');
    expect(await closed).toBe(4000);
  });

  it('refuses an upgrade with a wrong key', async () => {
    const ws = new WebSocket(fake.wsUrl, { headers: { Authorization: 'Bearer nope' } });
    ws.on('error', () => undefined);
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      }),
    );
    expect(status).toBe(401);
  });
});
