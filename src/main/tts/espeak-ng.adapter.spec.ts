import { EspeakNgAdapter, espeakVoiceFor } from './espeak-ng.adapter';
import { boundInput } from './sentence.splitter';
import { TTS_CHUNK_BYTES, TTS_OUTPUT_SAMPLE_RATE, TtsError } from './tts.port';

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of it) out.push(chunk);
  return out;
}

function rms(pcm: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
  return Math.sqrt(sum / Math.max(1, pcm.length / 2));
}

describe('EspeakNgAdapter (real espeak-ng WASM)', () => {
  jest.setTimeout(30_000);
  const tts = new EspeakNgAdapter();

  it.each([
    ['Hello, I am your companion.', 'en-us'],
    ['你好，我是你的猫娘。', 'cmn'],
  ])('speaks %p as 48 kHz PCM16 of plausible length (voice %s)', async (text, voice) => {
    expect(espeakVoiceFor(text)).toBe(voice);
    const chunks = await collect(tts.synthesize(text));
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.length % 2).toBe(0);
      expect(c.length).toBeGreaterThan(4);
      expect(c.length).toBeLessThanOrEqual(TTS_CHUNK_BYTES);
    }
    expect(chunks.slice(0, -1).every((c) => c.length === TTS_CHUNK_BYTES)).toBe(true);
    const pcm = Buffer.concat(chunks);
    const seconds = pcm.length / 2 / TTS_OUTPUT_SAMPLE_RATE;
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(5);
    expect(rms(pcm)).toBeGreaterThan(500); // speech, not silence (int16 scale)
  });

  it('stops at once when aborted: before the call, and between chunks', async () => {
    const before = new AbortController();
    before.abort();
    expect(await collect(tts.synthesize('This is never spoken.', { signal: before.signal }))).toEqual([]);

    const mid = new AbortController();
    const got: Buffer[] = [];
    for await (const chunk of tts.synthesize('A longer sentence that gives many chunks of audio to abort in the middle.', { signal: mid.signal })) {
      got.push(chunk);
      if (got.length === 2) mid.abort();
    }
    expect(got.length).toBe(2);

    const during = new AbortController();
    const pending = collect(tts.synthesize('Aborted while the engine runs.', { signal: during.signal }));
    during.abort();
    expect(await pending).toEqual([]);
  });

  it('says nothing for text without letters, and reads option-like text as text', async () => {
    expect(await collect(tts.synthesize(' ...!? '))).toEqual([]);
    const chunks = await collect(tts.synthesize('-v xx --help'));
    expect(Buffer.concat(chunks).length).toBeGreaterThan(TTS_OUTPUT_SAMPLE_RATE * 0.2 * 2);
  });

  it('turns engine failures and unreadable WAVs into non-retriable TtsErrors', async () => {
    const failing = new EspeakNgAdapter({ runEngine: () => Promise.reject(new Error('exited with 1')) });
    await expect(collect(failing.synthesize('Hello.'))).rejects.toMatchObject({ name: 'TtsError', code: 'engine_failed', retriable: false });
    const garbage = new EspeakNgAdapter({ runEngine: () => Promise.resolve(new Uint8Array(64)) });
    const err: unknown = await collect(garbage.synthesize('Hello.')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect(err).toMatchObject({ code: 'bad_audio', retriable: false });
  });

  it('picks voices by script and bounds long input at a word', () => {
    expect(espeakVoiceFor('こんにちは')).toBe('ja');
    expect(espeakVoiceFor('안녕하세요')).toBe('ko');
    expect(espeakVoiceFor('今日', 'ja')).toBe('ja');
    expect(espeakVoiceFor('OK then', 'zh')).toBe('en-us');
    const long = 'word '.repeat(300);
    const cut = boundInput(long, 600);
    expect(cut.length).toBeLessThanOrEqual(600);
    expect(cut.endsWith('word')).toBe(true);
    expect(boundInput('short', 600)).toBe('short');
  });
});
