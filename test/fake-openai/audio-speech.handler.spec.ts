import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.server';
import { rmsPcm16 } from './pcm-audio.util';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SSE payloads are loosely typed JSON
async function sseEvents(res: Response): Promise<Array<Record<string, any>>> {
  const lines = (await res.text()).split('\n\n').filter(Boolean);
  expect(lines.every((l) => l.startsWith('data: '))).toBe(true);
  return lines.filter((l) => l !== 'data: [DONE]').map((l) => JSON.parse(l.slice(6)));
}

describe('fake /v1/audio/speech and /v1/models', () => {
  let fake: FakeOpenAi;
  let client: OpenAI;
  const post = (path: string, body: unknown) =>
    fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: { authorization: 'Bearer sk-tts', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-tts' });
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-tts', maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('returns raw 24 kHz 16-bit mono PCM whose length follows the text', async () => {
    const res = await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'a'.repeat(20), response_format: 'pcm' });
    const pcm = Buffer.from(await res.arrayBuffer());
    expect(pcm.length).toBe(24_000 * 2); // 20 characters × 50 ms = 1 s
    expect(rmsPcm16(pcm)).toBeGreaterThan(5000); // a tone, not silence
    const longer = Buffer.from(await (await client.audio.speech.create({ model: 't', voice: 'alloy', input: 'a'.repeat(40), response_format: 'pcm' })).arrayBuffer());
    expect(longer.length).toBe(2 * pcm.length);
    const again = Buffer.from(await (await client.audio.speech.create({ model: 't', voice: 'nova', input: 'a'.repeat(20), response_format: 'pcm' })).arrayBuffer());
    expect(again.equals(pcm)).toBe(true);
    expect(fake.requests[0].body).toMatchObject({ model: 'gpt-4o-mini-tts', voice: 'alloy', response_format: 'pcm' });
  });

  it('returns WAV with a RIFF header describing the same PCM', async () => {
    const wav = Buffer.from(await (await client.audio.speech.create({ model: 't', voice: 'alloy', input: 'hello world', response_format: 'wav' })).arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 1, 24_000, 16]);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    expect(wav.length - 44).toBe(11 * 50 * 48); // 11 characters × 50 ms × 48 bytes/ms
  });

  it('refuses formats it cannot produce, and bad requests, with 400s', async () => {
    await expect(client.audio.speech.create({ model: 't', voice: 'alloy', input: 'x', response_format: 'mp3' })).rejects.toMatchObject({ status: 400, param: 'response_format' });
    await expect(client.audio.speech.create({ model: 't', voice: 'alloy', input: 'x' })).rejects.toMatchObject({ status: 400 }); // default mp3
    await expect(client.audio.speech.create({ model: 't', voice: 'alloy', input: '', response_format: 'pcm' })).rejects.toMatchObject({ status: 400, param: 'input' });
    fake.script.speech({ error: 500 });
    await expect(client.audio.speech.create({ model: 't', voice: 'alloy', input: 'x', response_format: 'pcm' })).rejects.toMatchObject({ status: 500 });
  });

  it('streams OpenAI speech SSE (stream_format: "sse")', async () => {
    const events = await sseEvents(await post('/audio/speech', { model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'a'.repeat(10), response_format: 'pcm', stream_format: 'sse' }));
    const deltas = events.filter((e) => e.type === 'speech.audio.delta');
    expect(deltas.length).toBe(5); // 500 ms in 100 ms chunks
    expect(Buffer.concat(deltas.map((e) => Buffer.from(e.audio, 'base64'))).length).toBe(24_000);
    expect(events[events.length - 1]).toMatchObject({ type: 'speech.audio.done', usage: { total_tokens: expect.any(Number) } });
  });

  it('streams the GLM CogTTS dialect (stream: true, base64 PCM in choices[0].delta.content)', async () => {
    const events = await sseEvents(await post('/audio/speech', { model: 'cogtts', input: '你好呀', voice: 'tongtong', response_format: 'pcm', encode_format: 'base64', speed: 1.0, volume: 1.0, stream: true }));
    const audio = events.map((e) => e.choices[0].delta).filter((d) => d.content);
    expect(audio.every((d) => d.return_sample_rate === 24_000)).toBe(true);
    expect(Buffer.concat(audio.map((d) => Buffer.from(d.content, 'base64'))).length).toBe(24_000 * 2 * 0.2); // 3 chars → the 200 ms minimum
    expect(events[events.length - 1].choices[0].finish_reason).toBe('stop');
  });

  it('lists and retrieves models, and 404s unknown ones', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toEqual(expect.arrayContaining(['gpt-realtime', 'text-embedding-3-small']));
    expect(await client.models.retrieve('gpt-4.1-mini')).toMatchObject({ id: 'gpt-4.1-mini', object: 'model' });
    await expect(client.models.retrieve('nope')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    const unknown = await fetch(`${fake.url}/v1/nothing`, { headers: { authorization: 'Bearer sk-tts' } });
    expect(unknown.status).toBe(404);
  });
});
