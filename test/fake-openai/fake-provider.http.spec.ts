import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from './fake-provider.server';

describe('fake OpenAI-compatible provider over HTTP, driven by the real openai SDK', () => {
  let fake: FakeOpenAi;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('answers a chat completion and records what the client sent', async () => {
    fake.script.chat({ content: '你好，主人！' });
    const res = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 1 });
    expect(res.choices[0].message.content).toBe('你好，主人！');
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4.1-mini', temperature: 1 } });
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-test');
  });

  it('echoes the last user message when nothing is scripted', async () => {
    const res = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }] });
    expect(res.choices[0].message.content).toBe('Echo: ping');
  });

  it('streams content in several chunks, with usage when asked', async () => {
    fake.script.chat({ content: 'The quick brown fox jumps', chunkSize: 5 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
    }
    expect(deltas).toEqual(['The q', 'uick ', 'brown', ' fox ', 'jumps']);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  it('streams tool calls that the SDK reassembles', async () => {
    fake.script.chat({ toolCalls: [{ name: 'get_weather', arguments: { city: '上海', unit: 'c' }, id: 'call_1' }] });
    const runner = client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'weather?' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(call?.id).toBe('call_1');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: '上海', unit: 'c' });
  });

  it('returns OpenAI errors the SDK understands (401, 429 with retry, 500)', async () => {
    const wrongKey = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrongKey.models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });

    fake.script.chat({ error: { status: 429, retryAfterMs: 10 }, times: 2 }, { content: 'finally' });
    const retrying = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-test', maxRetries: 2 });
    const res = await retrying.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(res.choices[0].message.content).toBe('finally');
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(3);

    fake.script.chat({ error: { status: 500, message: 'boom' } });
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 500, message: expect.stringContaining('boom') });
  });

  it('rejects a request without messages with a 400', async () => {
    await expect(client.chat.completions.create({ model: 'm', messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });
  });

  it('embeds deterministically, in base64 (SDK default) and as floats', async () => {
    const a = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['我喜欢猫', 'I like cats'] });
    const b = await client.embeddings.create({ model: 'text-embedding-3-small', input: '我喜欢猫', encoding_format: 'float', dimensions: 64 });
    expect(a.data).toHaveLength(2);
    expect(a.data[0].embedding).toHaveLength(64);
    const norm = Math.sqrt(a.data[0].embedding.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    a.data[0].embedding.forEach((x, i) => expect(x).toBeCloseTo(b.data[0].embedding[i], 6));
    expect(a.data[0].embedding).not.toEqual(a.data[1].embedding);
    expect(fake.requests[0].body).toMatchObject({ encoding_format: 'base64' });
    const small = await client.embeddings.create({ model: 'e', input: 'x', dimensions: 16, encoding_format: 'float' });
    expect(small.data[0].embedding).toHaveLength(16);
  });

  it('speaks 24 kHz 16-bit PCM and WAV whose length follows the text', async () => {
    const pcm = Buffer.from(await (await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'a'.repeat(20), response_format: 'pcm' })).arrayBuffer());
    expect(pcm.length).toBe(24_000 * 2); // 20 chars × 50 ms = 1 s
    const wav = Buffer.from(await (await client.audio.speech.create({ model: 't', voice: 'alloy', input: 'hello', response_format: 'wav' })).arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(24_000);
    await expect(client.audio.speech.create({ model: 't', voice: 'alloy', input: 'x', response_format: 'mp3' })).rejects.toMatchObject({ status: 400 });
  });

  it('lists models', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toContain('gpt-realtime');
  });
});
