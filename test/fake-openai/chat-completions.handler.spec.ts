import OpenAI, { APIConnectionError } from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.server';

const user = (content: string) => [{ role: 'user' as const, content }];

describe('fake /v1/chat/completions driven by the real openai SDK', () => {
  let fake: FakeOpenAi;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('answers a scripted completion and records what the client sent', async () => {
    fake.script.chat({ content: '你好，主人！' });
    const res = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: user('hi'), temperature: 1 });
    expect(res.object).toBe('chat.completion');
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe('gpt-4.1-mini');
    expect(res.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant', content: '你好，主人！' }, finish_reason: 'stop' });
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4.1-mini', temperature: 1, messages: user('hi') } });
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-test');
  });

  it('echoes the last user message when nothing is queued, and the default can be replaced', async () => {
    const messages = [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: [{ type: 'text' as const, text: 'ping' }] }];
    expect((await client.chat.completions.create({ model: 'm', messages })).choices[0].message.content).toBe('Echo: ping');
    fake.script.defaultChat((body) => ({ content: `model=${String(body.model)}` }));
    expect((await client.chat.completions.create({ model: 'qwen-plus', messages })).choices[0].message.content).toBe('model=qwen-plus');
  });

  it('serves queued items in order, `times` included', async () => {
    fake.script.chat({ content: 'A', times: 2 }, { content: 'B' });
    const answers: Array<string | null> = [];
    for (let i = 0; i < 4; i++) answers.push((await client.chat.completions.create({ model: 'm', messages: user('x') })).choices[0].message.content);
    expect(answers).toEqual(['A', 'A', 'B', 'Echo: x']);
    expect(fake.script.pending().chat).toBe(0);
  });

  it('streams a role chunk, several content chunks, a finish chunk and usage', async () => {
    fake.script.chat({ content: 'The quick brown fox jumps', chunkSize: 5 });
    const stream = await client.chat.completions.create({ model: 'm', messages: user('x'), stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []))).toEqual(['The q', 'uick ', 'brown', ' fox ', 'jumps']);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('speaks SSE on the wire: data lines and a final [DONE]', async () => {
    fake.script.chat({ content: 'abcdefgh' });
    const res = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: user('x'), stream: true }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const lines = (await res.text()).split('\n\n').filter(Boolean);
    expect(lines.every((l) => l.startsWith('data: '))).toBe(true);
    expect(lines[lines.length - 1]).toBe('data: [DONE]');
    expect(JSON.parse(lines[0].slice(6))).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant' } }] });
    expect(lines).toHaveLength(1 + 2 + 1 + 1); // role, 2 content chunks, finish, [DONE]
  });

  it('streams tool calls in pieces that the SDK reassembles', async () => {
    fake.script.chat({ toolCalls: [{ name: 'get_weather', arguments: { city: '上海', unit: 'celsius' }, id: 'call_1' }, { name: 'noop', arguments: '{}' }] });
    const runner = client.chat.completions.stream({ model: 'm', messages: user('weather?'), tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] });
    const argPieces: string[] = [];
    runner.on('chunk', (c) => c.choices[0]?.delta.tool_calls?.forEach((t) => t.index === 0 && t.function?.arguments && argPieces.push(t.function.arguments)));
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0].message.tool_calls ?? [];
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(argPieces.length).toBeGreaterThan(2);
    expect(calls).toHaveLength(2);
    const [first, second] = calls.map((c) => (c.type === 'function' ? c : undefined));
    expect(first).toMatchObject({ id: 'call_1', function: { name: 'get_weather' } });
    expect(JSON.parse(first!.function.arguments)).toEqual({ city: '上海', unit: 'celsius' });
    expect(second?.id).toMatch(/^call_/);
    expect(second?.function.name).toBe('noop');
  });

  it('returns tool calls without streaming', async () => {
    fake.script.chat({ toolCalls: [{ name: 'f', arguments: { a: 1 } }] });
    const res = await client.chat.completions.create({ model: 'm', messages: user('x') });
    expect(res.choices[0].message.content).toBeNull();
    const call = res.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && [call.function.name, call.function.arguments]).toEqual(['f', '{"a":1}']);
  });

  it('rejects a wrong or missing key with 401 in OpenAI error shape', async () => {
    const wrong = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: 'm', messages: user('x') })).rejects.toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
    const res = await fetch(`${fake.baseUrl}/models`);
    expect(res.status).toBe(401);
    expect(Object.keys(((await res.json()) as { error: object }).error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  it('lets the SDK retry a 429 (retry-after) until the queued answer comes', async () => {
    fake.script.chat({ error: 429, times: 2 }, { content: 'finally' });
    const retrying = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-test', maxRetries: 2 });
    const started = Date.now();
    const res = await retrying.chat.completions.create({ model: 'm', messages: user('x') });
    expect(res.choices[0].message.content).toBe('finally');
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1000); // retry-after-ms: 10, not the SDK's 0.5 s backoff

    fake.script.chat({ error: 429, message: 'slow down', times: 3 });
    await expect(retrying.chat.completions.create({ model: 'm', messages: user('x') })).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded', message: expect.stringContaining('slow down') });
  });

  it('queues errors for 500, for any endpoint, with delays and dropped connections', async () => {
    fake.script.chat({ error: { status: 500, message: 'boom' } });
    await expect(client.chat.completions.create({ model: 'm', messages: user('x') })).rejects.toMatchObject({ status: 500, type: 'server_error', message: expect.stringContaining('boom') });

    fake.script.error('any', 503);
    await expect(client.models.list()).rejects.toMatchObject({ status: 503 });

    fake.script.chat({ content: 'late', delayMs: 150 });
    const t0 = Date.now();
    expect((await client.chat.completions.create({ model: 'm', messages: user('x') })).choices[0].message.content).toBe('late');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    fake.script.chat({ disconnect: true });
    await expect(client.chat.completions.create({ model: 'm', messages: user('x') })).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('cuts a stream when scripted to disconnect', async () => {
    fake.script.chat({ content: 'a fairly long answer that will never arrive in full', disconnect: true });
    const stream = await client.chat.completions.create({ model: 'm', messages: user('x'), stream: true });
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) got.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(got.join('').length).toBeGreaterThan(0);
    expect(got.join('')).not.toBe('a fairly long answer that will never arrive in full');
  });

  it('validates like OpenAI: 400 with the offending param', async () => {
    await expect(client.chat.completions.create({ model: 'm', messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'bot', content: 'x' }] as never })).rejects.toMatchObject({ status: 400, param: 'messages[0].role' });
    await expect(client.chat.completions.create({ model: 'm', messages: user('x'), stream_options: { include_usage: true } })).rejects.toMatchObject({ status: 400, param: 'stream_options' });
  });

  it('ends a pending delayed request when the server closes', async () => {
    fake.script.chat({ content: 'never', delayMs: 60_000 });
    const pending = client.chat.completions.create({ model: 'm', messages: user('x') });
    await new Promise((r) => setTimeout(r, 30));
    const t0 = Date.now();
    await fake.close();
    expect(Date.now() - t0).toBeLessThan(500);
    await expect(pending).rejects.toBeInstanceOf(APIConnectionError);
  });
});
