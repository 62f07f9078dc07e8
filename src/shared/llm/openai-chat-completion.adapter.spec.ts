import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { ChatCompletionError, MAX_TIMER_MS, clampTimeoutMs, endpointGap, isEndpointUsable } from './chat-completion.port';
import { OpenAiChatCompletionAdapter, redactSecrets } from './openai-chat-completion.adapter';

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

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
    const slow = await failure(adapter.complete(endpoint(), [{ role: 'system', content: 'x' }], { timeoutMs: 200 }));
    expect([slow?.kind, slow?.retriable]).toEqual(['timeout', false]);
    const refused = await failure(adapter.complete({ ...endpoint(), baseUrl: 'http://127.0.0.1:9/v1' }, [{ role: 'system', content: 'x' }]));
    expect(refused).toBeInstanceOf(ChatCompletionError);
    expect([refused?.kind, refused?.retriable]).toEqual(['connection', true]);
  });

  it('signal: an aborted signal sends nothing; an abort during the request is its own kind', async () => {
    const gone = new AbortController();
    gone.abort();
    const early = await failure(adapter.complete(endpoint(), [{ role: 'user', content: 'x' }], { signal: gone.signal }));
    expect([early?.kind, early?.retriable]).toEqual(['aborted', false]);
    expect(fake.requests).toHaveLength(0);

    fake.script.chat({ content: 'late', delayMs: 30_000 });
    const ctrl = new AbortController();
    const pending = failure(adapter.complete(endpoint(), [{ role: 'user', content: 'x' }], { signal: ctrl.signal }));
    await until(() => fake.requests.length === 1);
    ctrl.abort();
    const mid = await pending;
    expect(mid).toBeInstanceOf(ChatCompletionError);
    expect([mid?.kind, mid?.retriable]).toEqual(['aborted', false]);
  });

  it('a time limit beyond the timer range is clamped instead of firing at once', async () => {
    fake.script.chat({ content: 'patient', delayMs: 200 });
    await expect(adapter.complete(endpoint(), [{ role: 'user', content: 'x' }], { timeoutMs: 3e9 })).resolves.toBe('patient');
    expect(clampTimeoutMs(3e9, 1000)).toBe(MAX_TIMER_MS);
    expect(clampTimeoutMs(undefined, 1000)).toBe(1000);
    expect(clampTimeoutMs(Number.NaN, 1000)).toBe(1000);
    expect(clampTimeoutMs(-5, 1000)).toBe(1);
    expect(clampTimeoutMs(Infinity, 1000, 60_000)).toBe(60_000);
  });

  it('redacts the key, bearer tokens and sk- keys from error messages', async () => {
    const secret = 'sk-unit';
    fake.script.chat({ error: { status: 400, message: `bad key ${secret}; header Bearer abc.def; other sk-abcdefgh12345 end` } });
    const err = await failure(adapter.complete(endpoint(), [{ role: 'user', content: 'x' }]));
    expect(err?.kind).toBe('status');
    expect(err?.message).toContain('bad key ***');
    expect(err?.message).toContain('Bearer ***');
    expect(err?.message).toContain('other *** end');
    expect(err?.message).not.toMatch(/sk-unit|abc\.def|sk-abcdefgh/);
    expect(redactSecrets('token mykey123 here', 'mykey123')).toBe('token *** here');
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
    expect(isEndpointUsable({ model: 'm', baseUrl: 'https://api.example.com/v1', apiKey: '  ' })).toBe(false);
    expect([endpointGap({ model: ' ', baseUrl: '', apiKey: '' }), endpointGap({ model: 'm', baseUrl: ' ', apiKey: 'k' })]).toEqual(['model', 'url']);
    expect(endpointGap({ model: 'm', baseUrl: 'https://api.example.com/v1', apiKey: '' })).toBe('key');
  });
});
