import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { EspeakNgAdapter } from './espeak-ng.adapter';
import { OpenAiSpeechAdapter } from './openai-speech.adapter';
import type { SpeechSink } from './speech-output.port';
import { SpeechOutputSession, type SpeechEngine } from './speech-output.session';
import type { TtsPort } from './tts.port';

/** The fake speaks a 440 Hz tone of 50 ms per character: 4800 bytes of 48 kHz PCM16 per character. */
const BYTES_PER_CHAR = 4800;

class RecordingSink implements SpeechSink {
  readonly chunks: Array<{ id: string; bytes: Buffer; at: number }> = [];
  audio(chunk: Buffer, speechId: string): void {
    this.chunks.push({ id: speechId, bytes: Buffer.from(chunk), at: Date.now() });
  }
  bytes(id?: string): number {
    return this.chunks.filter((c) => id === undefined || c.id === id).reduce((n, c) => n + c.bytes.length, 0);
  }
  pcm(): Buffer {
    return Buffer.concat(this.chunks.map((c) => c.bytes));
  }
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out);
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const quietLogger = (): { warn: jest.Mock } => ({ warn: jest.fn() });

describe('SpeechOutputSession with the real espeak-ng voice', () => {
  jest.setTimeout(30_000);
  const espeak: TtsPort = new EspeakNgAdapter();
  const engine: SpeechEngine = { name: 'espeak-ng', tts: espeak };

  it('speaks streamed deltas sentence by sentence, in order, the unfinished tail at endUtterance', async () => {
    const sink = new RecordingSink();
    const speech = new SpeechOutputSession(engine, sink, { logger: quietLogger() });
    expect(await speech.start()).toBe(true);
    for (const delta of ['Hello there, my fri', 'end. This is a much longer second sentence to speak. And', ' a tail']) speech.push('r1', delta);
    speech.endUtterance();
    const expected = Buffer.concat([
      await collect(espeak.synthesize('Hello there, my friend.')),
      await collect(espeak.synthesize('This is a much longer second sentence to speak.')),
      await collect(espeak.synthesize('And a tail')),
    ]);
    await until(() => sink.bytes() >= expected.length);
    expect(sink.pcm().equals(expected)).toBe(true);
    for (const c of sink.chunks) {
      expect(c.bytes.length % 2).toBe(0);
      expect(c.bytes.length).toBeGreaterThan(4);
      expect(c.id).toBe('r1');
    }
    await speech.close();
    await speech.close();
  });

  it('a new speech id abandons the old one: none of its audio after the switch', async () => {
    const sink = new RecordingSink();
    const speech = new SpeechOutputSession(engine, sink, { logger: quietLogger() });
    speech.push('old', 'This old reply is long and has several sentences. It goes on. And on. And on again.');
    await until(() => sink.bytes('old') > 0);
    speech.push('new', 'New reply.');
    const switched = sink.chunks.length;
    speech.endUtterance();
    await until(() => sink.bytes('new') > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.chunks.slice(switched).every((c) => c.id === 'new')).toBe(true);
    expect(sink.bytes('new')).toBe((await collect(espeak.synthesize('New reply.'))).length);
    await speech.close();
  });
});

describe('SpeechOutputSession against the fake OpenAI speech endpoint', () => {
  jest.setTimeout(30_000);
  let fake: FakeOpenAi;
  let tts: OpenAiSpeechAdapter;
  beforeEach(async () => {
    fake = await startFakeOpenAi();
    tts = new OpenAiSpeechAdapter({ baseUrl: fake.baseUrl, model: 'gpt-4o-mini-tts' });
  });
  afterEach(() => fake.close());
  const inputs = (): string[] => fake.requests.filter((r) => r.path.endsWith('/audio/speech')).map((r) => (r.body as { input: string }).input);

  it('synthesises the next sentence while the current one is pending, delivers strictly in order', async () => {
    fake.script.speech({ delayMs: 400 });
    const sink = new RecordingSink();
    const speech = new SpeechOutputSession({ name: 'openai', tts }, sink, { logger: quietLogger() });
    speech.push('a', 'First one is slow. Second. Third is here.');
    speech.endUtterance();
    await until(() => inputs().length >= 2);
    expect(sink.bytes()).toBe(0); // the second request left before the first answered (lookahead 1)
    expect(inputs()).toEqual(['First one is slow.', 'Second.']); // not more than one ahead
    const lengths = ['First one is slow.', 'Second.', 'Third is here.'].map((s) => s.length * BYTES_PER_CHAR);
    await until(() => sink.bytes() >= lengths[0] + lengths[1] + lengths[2]);
    // In order: the first sentence's tone fills the first bytes entirely, then the second's.
    const boundaries: number[] = [];
    let total = 0;
    for (const c of sink.chunks) boundaries.push((total += c.bytes.length));
    expect(boundaries).toContain(lengths[0]);
    expect(boundaries).toContain(lengths[0] + lengths[1]);
    await speech.close();
  });

  it('never speaks reasoning blocks, tags, emoji or markdown marks', async () => {
    const speech = new SpeechOutputSession({ name: 'openai', tts }, new RecordingSink(), { logger: quietLogger() });
    for (const d of ['<thi', 'nk>I should greet.</think>**Hello** 😀 <b', 'r/>there!', ' `ok`']) speech.push('s', d);
    speech.endUtterance();
    await until(() => inputs().length >= 2);
    expect(inputs()).toEqual(['Hello there!', 'ok']);
    await speech.close();
  });

  it('interrupt drops queued and in-flight audio; the interrupted id stays silent, a new one speaks', async () => {
    fake.script.speech({ delayMs: 300, times: 2 });
    const sink = new RecordingSink();
    const speech = new SpeechOutputSession({ name: 'openai', tts }, sink, { logger: quietLogger() });
    speech.push('x', 'One. Two. Three. Four.');
    await until(() => inputs().length >= 2);
    speech.interrupt();
    speech.push('x', ' Five.');
    speech.push('y', 'Yes.');
    speech.endUtterance();
    await until(() => sink.bytes('y') === 'Yes.'.length * BYTES_PER_CHAR);
    await new Promise((r) => setTimeout(r, 400));
    expect(sink.bytes('x')).toBe(0);
    expect(inputs()).not.toContain('Three.');
    expect(inputs()).not.toContain('Five.');
    await speech.close();
  });

  it('bounds the sentences waiting per utterance (a runaway reply)', async () => {
    fake.script.speech({ delayMs: 200 });
    const logger = quietLogger();
    const speech = new SpeechOutputSession({ name: 'openai', tts }, new RecordingSink(), { logger, maxQueuedSentences: 3 });
    speech.push('r', Array.from({ length: 20 }, (_, i) => `Sentence number ${i}.`).join(' '));
    speech.endUtterance();
    await new Promise((r) => setTimeout(r, 1500));
    expect(inputs().length).toBeLessThanOrEqual(5); // two started at once, three queued, the rest dropped
    expect(logger.warn).toHaveBeenCalledTimes(1);
    await speech.close();
  });

  it('falls back to the offline voice for the rest of the session on a non-retriable failure (logged once)', async () => {
    fake.script.error('speech', 401, { times: Infinity });
    const sink = new RecordingSink();
    const logger = quietLogger();
    const offline = new EspeakNgAdapter();
    const speech = new SpeechOutputSession({ name: 'openai', tts }, sink, { logger, fallback: { name: 'espeak-ng', tts: offline } });
    speech.push('f', 'Hello. Good bye.');
    speech.endUtterance();
    const expected = Buffer.concat([await collect(offline.synthesize('Hello.')), await collect(offline.synthesize('Good bye.'))]);
    await until(() => sink.bytes() >= expected.length);
    expect(sink.pcm().equals(expected)).toBe(true);
    expect(speech.engineName).toBe('espeak-ng');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0][0])).toMatch(/openai failed: .*401.*espeak-ng for the rest/u);
    await speech.close();
    speech.push('g', 'Ignored after close.');
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.bytes('g')).toBe(0);
  });
});
