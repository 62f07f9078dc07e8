import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { ChatCompletionError, isEndpointUsable } from './chat-completion.port';
import { OpenAiChatCompletionAdapter } from './openai-chat-completion.adapter';

describe('OpenAiChatCompletionAdapter (against the fake provider)', () => {
  let fake: FakeOpenAi;
  const adapter = new OpenAiChatCompletionAdapter();
  const endpoint = () => ({ model: 'gpt-4.1-mini', apiKey: 'sk-unit', baseUrl: fake.baseUrl, extraBody: { enable_thinking: false } });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as ChatCompletionError,
    );

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-unit' });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.script.reset();
    fake.clearRequests();
  });

  it('sends model, messages, temperature, max_tokens and extra_body; answers the content', async () => {
    fake.script.chat({ content: '好' });
    const reply = await adapter.complete(endpoint(), [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], { temperature: 0.3, maxTokens: 100 });
    expect(reply).toBe('好');
    expect(fake.requests[0].body).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0.3, max_tokens: 100, enable_thinking: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  });

  it('classifies failures: 429/5xx retriable, 401 not, refused connection, own time-out', async () => {
    fake.script.chat({ error: 429 }, { error: 500 }, { error: 401 }, { content: 'late', delayMs: 1500 });
    const e429 = await failure(adapter.complete(endpoint(), [{ role: 'system', content: 'x' }]));
    expect([e429?.kind, e429?.status, e429?.retriable]).toEqual(['status', 429, true]);
    const e500 = await failure(adapter.complete(endpoint(), [{ role: 'system', content: 'x' }]));
    expect([e500?.status, e500?.retriable]).toEqual([500, true]);
    const e401 = await failure(adapter.complete(endpoint(), [{ role: 'system', content: 'x' }]));
    expect([e401?.status, e401?.retriable]).toEqual([401, false]);
    const started = Date.now();
    const slow = await failure(adapter.complete(endpoint(), [{ role: 'system', content: 'x' }], { timeoutMs: 200 }));
    expect([slow?.kind, slow?.retriable]).toEqual(['timeout', false]);
    expect(Date.now() - started).toBeLessThan(1200);
    const refused = await failure(adapter.complete({ ...endpoint(), baseUrl: 'http://127.0.0.1:9/v1' }, [{ role: 'system', content: 'x' }]));
    expect(refused).toBeInstanceOf(ChatCompletionError);
    expect([refused?.kind, refused?.retriable]).toEqual(['connection', true]);
  });

  const collect = async (it: AsyncIterable<string>) => {
    const out: string[] = [];
    for await (const d of it) out.push(d);
    return out;
  };

  it('streams content deltas with stream: true and the extra_body', async () => {
    fake.script.chat({ content: 'streamed reply', chunkSize: 5 });
    expect(await collect(adapter.stream(endpoint(), [{ role: 'user', content: 'hi' }], { temperature: 1 }))).toEqual(['strea', 'med r', 'eply']);
    expect(fake.requests[0].body).toMatchObject({ stream: true, temperature: 1, enable_thinking: false });
  });

  it('stream: an abort ends it quietly, a dropped connection is retriable, silence is a time-out', async () => {
    fake.script.chat({ content: 'x'.repeat(40), chunkSize: 1, chunkDelayMs: 20 }, { content: 'cut in the middle', disconnect: true }, { content: 'late', delayMs: 1500 });
    const abort = new AbortController();
    const got: string[] = [];
    for await (const d of adapter.stream(endpoint(), [{ role: 'user', content: 'hi' }], { signal: abort.signal })) {
      got.push(d);
      if (got.length === 3) abort.abort();
    }
    expect(got.length).toBeLessThan(6);
    const dropped = await failure(collect(adapter.stream(endpoint(), [{ role: 'user', content: 'hi' }])));
    expect([dropped?.kind, dropped?.retriable]).toEqual(['connection', true]);
    const silent = await failure(collect(adapter.stream(endpoint(), [{ role: 'user', content: 'hi' }], { idleTimeoutMs: 150 })));
    expect(silent?.kind).toBe('timeout');
  });

  it('isEndpointUsable: model, URL and a key (or a loopback URL)', () => {
    expect(isEndpointUsable({ model: 'm', baseUrl: 'https://api.example.com/v1', apiKey: 'k' })).toBe(true);
    expect(isEndpointUsable({ model: 'm', baseUrl: 'https://api.example.com/v1', apiKey: '' })).toBe(false);
    expect(isEndpointUsable({ model: 'm', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: '' })).toBe(true);
    expect(isEndpointUsable({ model: '', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'k' })).toBe(false);
  });
});
