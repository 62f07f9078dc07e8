import OpenAI from 'openai';
import { hashedEmbedding } from './embeddings.handler';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.server';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('fake /v1/embeddings driven by the real openai SDK', () => {
  let fake: FakeOpenAi;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-emb', embeddingDimensions: 64 });
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-emb', maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('answers the SDK default (base64 float32) with the same unit vectors as the float format', async () => {
    const viaBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['我喜欢猫', 'I like cats'] });
    expect(fake.requests[0].body).toMatchObject({ encoding_format: 'base64' }); // what the SDK asks for by default
    const viaFloat = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['我喜欢猫', 'I like cats'], encoding_format: 'float' });
    expect(viaBase64).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    expect(viaBase64.data.map((d) => [d.object, d.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    for (const [i, d] of viaBase64.data.entries()) {
      expect(d.embedding).toHaveLength(64);
      expect(Math.hypot(...d.embedding)).toBeCloseTo(1, 5);
      d.embedding.forEach((x, j) => expect(x).toBeCloseTo(viaFloat.data[i].embedding[j], 6));
    }
    expect(viaFloat.data[0].embedding).toEqual(hashedEmbedding('我喜欢猫', 64));
  });

  it('is deterministic, honours dimensions, and ranks related texts higher', async () => {
    const embed = async (input: string[], dimensions?: number) =>
      (await client.embeddings.create({ model: 'e', input, encoding_format: 'float', ...(dimensions ? { dimensions } : {}) })).data.map((d) => d.embedding);
    const [a, b, c] = await embed(['my cat is called mochi', 'my cat is called mochi', 'quarterly tax filing deadline']);
    expect(a).toEqual(b);
    const [related] = await embed(['what is my cat called']);
    expect(cosine(a, related)).toBeGreaterThan(cosine(c, related));
    const [small] = await embed(['x'], 16);
    expect(small).toHaveLength(16);
    expect(Math.hypot(...small)).toBeCloseTo(1, 6);
  });

  it('sends a raw base64 string on the wire when asked for base64', async () => {
    const res = await fetch(`${fake.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-emb', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'e', input: 'hello', encoding_format: 'base64', dimensions: 8 }),
    });
    const json = (await res.json()) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(json.data[0].embedding, 'base64');
    expect(bytes.length).toBe(8 * 4);
    const floats = Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4));
    floats.forEach((x, i) => expect(x).toBeCloseTo(hashedEmbedding('hello', 8)[i], 6));
  });

  it('queues errors and validates input', async () => {
    fake.script.embeddings({ error: 500, times: 2 });
    await expect(client.embeddings.create({ model: 'e', input: 'x' })).rejects.toMatchObject({ status: 500 });
    await expect(client.embeddings.create({ model: 'e', input: 'x' })).rejects.toMatchObject({ status: 500 });
    await expect(client.embeddings.create({ model: 'e', input: 'x' })).resolves.toMatchObject({ object: 'list' });
    fake.script.error('embeddings', { status: 429, retryAfterMs: 5 });
    const retrying = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-emb', maxRetries: 1 });
    await expect(retrying.embeddings.create({ model: 'e', input: 'x' })).resolves.toMatchObject({ object: 'list' });
    await expect(client.embeddings.create({ model: 'e', input: '' })).rejects.toMatchObject({ status: 400, param: 'input' });
    await expect(client.embeddings.create({ model: 'e', input: 'x', dimensions: 0 })).rejects.toMatchObject({ status: 400, param: 'dimensions' });
  });
});
