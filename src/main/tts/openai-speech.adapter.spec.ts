import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { wavFromPcm16 } from '../../../test/fake-openai/pcm-audio.util';
import { OpenAiSpeechAdapter } from './openai-speech.adapter';
import { TTS_CHUNK_BYTES, TtsError } from './tts.port';

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of it) out.push(chunk);
  return out;
}

async function failure(it: AsyncIterable<Buffer>): Promise<TtsError> {
  const err: unknown = await collect(it).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TtsError);
  return err as TtsError;
}

/** The fake speaks 50 ms per character at 24 kHz: 48 kHz output has 4800 bytes per character. */
const BYTES_48K_PER_CHAR = 0.05 * 48_000 * 2;

describe('OpenAiSpeechAdapter against the fake provider', () => {
  let fake: FakeOpenAi;
  let tts: OpenAiSpeechAdapter;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-tts' });
    tts = new OpenAiSpeechAdapter({ baseUrl: fake.baseUrl, apiKey: 'sk-tts', model: 'gpt-4o-mini-tts', defaultVoice: 'nova' });
  });
  afterEach(() => fake.close());

  it.each(['pcm', 'wav'] as const)('turns a %s answer into 48 kHz frames of the expected length', async (responseFormat) => {
    const adapter = new OpenAiSpeechAdapter({ baseUrl: `${fake.baseUrl}/`, apiKey: 'sk-tts', model: 'gpt-4o-mini-tts', responseFormat });
    const text = 'hello world'; // 11 characters = 550 ms
    const chunks = await collect(adapter.synthesize(text, { voice: 'alloy' }));
    expect(Buffer.concat(chunks).length).toBe(text.length * BYTES_48K_PER_CHAR);
    expect(chunks.every((c) => c.length % 2 === 0 && c.length > 4 && c.length <= TTS_CHUNK_BYTES)).toBe(true);
    expect(chunks.slice(0, -1).every((c) => c.length === TTS_CHUNK_BYTES)).toBe(true);
    // the 440 Hz tone survives: about 440 × 0.55 upward zero crossings
    const pcm = Buffer.concat(chunks);
    let crossings = 0;
    for (let i = 2; i + 1 < pcm.length; i += 2) if (pcm.readInt16LE(i - 2) < 0 && pcm.readInt16LE(i) >= 0) crossings++;
    expect(Math.abs(crossings - 440 * 0.55)).toBeLessThan(5);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/audio/speech' });
    expect(fake.requests[0].body).toEqual({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: text, response_format: responseFormat });
  });

  it('uses the default voice and says nothing for text without letters', async () => {
    await collect(tts.synthesize('hi'));
    expect(fake.requests[0].body).toMatchObject({ voice: 'nova', response_format: 'pcm' });
    expect(await collect(tts.synthesize(' … '))).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('a wrong key is a non-retriable TtsError (401)', async () => {
    const wrong = new OpenAiSpeechAdapter({ baseUrl: fake.baseUrl, apiKey: 'sk-wrong', model: 'm' });
    const err = await failure(wrong.synthesize('hello'));
    expect(err).toMatchObject({ code: 'unauthorized', status: 401, retriable: false });
    expect(err.message).toContain('401');
  });

  it('429 and 5xx are retriable, with the retry-after hint; other 4xx are not', async () => {
    fake.script.speech({ error: 429 });
    expect(await failure(tts.synthesize('hello'))).toMatchObject({ code: 'rate_limited', status: 429, retriable: true, retryAfterMs: expect.any(Number) });
    fake.script.speech({ error: 503 });
    expect(await failure(tts.synthesize('hello'))).toMatchObject({ code: 'provider_error', status: 503, retriable: true });
    fake.script.speech({ error: 500 });
    expect(await failure(tts.synthesize('hello'))).toMatchObject({ status: 500, retriable: true });
    const badModel = new OpenAiSpeechAdapter({ baseUrl: fake.baseUrl, apiKey: 'sk-tts', model: '' });
    expect(await failure(badModel.synthesize('hello'))).toMatchObject({ code: 'bad_request', status: 400, retriable: false });
  });

  it('a dropped connection or an unreachable server is a retriable network error', async () => {
    fake.script.speech({ disconnect: true });
    expect(await failure(tts.synthesize('hello'))).toMatchObject({ code: 'network', retriable: true });
    const url = fake.baseUrl;
    await fake.close();
    const gone = new OpenAiSpeechAdapter({ baseUrl: url, model: 'm' });
    expect(await failure(gone.synthesize('hello'))).toMatchObject({ code: 'network', retriable: true });
  });

  it('a timeout is a retriable TtsError', async () => {
    fake.script.speech({ delayMs: 5_000 });
    const slow = new OpenAiSpeechAdapter({ baseUrl: fake.baseUrl, apiKey: 'sk-tts', model: 'm', timeoutMs: 100 });
    expect(await failure(slow.synthesize('hello'))).toMatchObject({ code: 'timeout', retriable: true });
  });

  it('stops mid-stream when aborted, without an error', async () => {
    const controller = new AbortController();
    const got: Buffer[] = [];
    const started = Date.now();
    for await (const chunk of tts.synthesize('a'.repeat(200), { signal: controller.signal })) {
      got.push(chunk); // 10 s of audio would be 100 frames
      controller.abort();
    }
    expect(got).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops before the answer when aborted while waiting, without an error', async () => {
    fake.script.speech({ delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect(await collect(tts.synthesize('hello', { signal: controller.signal }))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('OpenAiSpeechAdapter on the wire (a hand-written server)', () => {
  let server: Server;
  let baseUrl: string;
  let answer: (res: ServerResponse) => void;
  beforeEach(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a WAV whose header arrives in pieces, at the rate the header gives, and ignores chunks after the data', async () => {
    const pcm = Buffer.alloc(22_050 * 2 * 0.5); // 0.5 s at 22050 Hz
    const wav = Buffer.concat([wavFromPcm16(pcm, 22_050), Buffer.from('LIST\x04\0\0\0abcd', 'latin1')]);
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      let i = 0;
      const step = (): void => {
        if (i >= wav.length) return void res.end();
        const n = i < 48 ? 3 : 4001; // the header in 3-byte pieces, then odd-sized data chunks
        res.write(wav.subarray(i, (i += n)), step);
      };
      step();
    };
    const chunks = await collect(new OpenAiSpeechAdapter({ baseUrl, model: 'm' }).synthesize('hello'));
    expect(Buffer.concat(chunks).length).toBe(48_000 * 2 * 0.5);
  });

  it('a connection cut mid-body is a retriable network error after the audio that came', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'audio/pcm' });
      res.write(Buffer.alloc(24_000 * 2), () => setTimeout(() => res.socket?.destroy(), 20)); // 1 s, then gone
    };
    const got: Buffer[] = [];
    const err: unknown = await (async () => {
      for await (const chunk of new OpenAiSpeechAdapter({ baseUrl, model: 'm' }).synthesize('hello')) got.push(chunk);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect(err).toMatchObject({ code: 'network', retriable: true });
    expect(got.length).toBeGreaterThan(5);
  });

  it('refuses a 200 answer that is JSON, or a WAV that is not 16-bit mono', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":{"message":"quota"}}');
    expect(await failure(new OpenAiSpeechAdapter({ baseUrl, model: 'm' }).synthesize('hello'))).toMatchObject({ code: 'bad_audio', retriable: false });
    const stereo = wavFromPcm16(Buffer.alloc(400), 24_000);
    stereo.writeUInt16LE(2, 22);
    answer = (res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(stereo);
    expect(await failure(new OpenAiSpeechAdapter({ baseUrl, model: 'm' }).synthesize('hello'))).toMatchObject({ code: 'bad_audio', retriable: false });
  });
});
