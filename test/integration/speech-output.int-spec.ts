import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioPoolService } from '../../src/main/audio/audio-pool.service';
import { fitSine } from '../../src/main/audio/audio-signal.analysis';
import { decodePcm16le } from '../../src/main/audio/pcm16le.codec';
import { QWEN_TTS_MODEL, QwenRealtimeTtsAdapter } from '../../src/main/tts/qwen-realtime-tts.adapter';
import { SpeechOutputFactoryService } from '../../src/main/tts/speech-output.factory';
import type { SpeechOutput, SpeechSink } from '../../src/main/tts/speech-output.port';
import type { SpeechOutputSession } from '../../src/main/tts/speech-output.session';
import { CoreConfigService } from '../../src/shared/config/core-config.service';
import { dataFolderAt } from '../../src/shared/data/data-folder';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';

class RecordingSink implements SpeechSink {
  readonly chunks: Array<{ id: string; bytes: Buffer; at: number }> = [];
  audio(chunk: Buffer, speechId: string): void {
    this.chunks.push({ id: speechId, bytes: Buffer.from(chunk), at: performance.now() });
  }
  bytes(id?: string): number {
    return this.chunks.filter((c) => id === undefined || c.id === id).reduce((n, c) => n + c.bytes.length, 0);
  }
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The fake's Qwen TTS: 25 ms of 24 kHz PCM16 per character → 2400 bytes at 48 kHz. */
const QWEN_BYTES_PER_CHAR = 0.025 * 48_000 * 2;

describe('SpeechOutput: the factory on core_config.json, the worker pool, the fake provider', () => {
  jest.setTimeout(60_000);
  let pool: AudioPoolService;
  let fake: FakeOpenAi;
  let root: string;
  let factory: SpeechOutputFactoryService;
  const outputs: SpeechOutput[] = [];
  const write = (cfg: Record<string, unknown>): void => writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(cfg));
  const create = async (sink: SpeechSink, voiceId = ''): Promise<SpeechOutputSession> => {
    const out = (await factory.create({ lanlanName: 'Neko', voiceId }, sink)) as SpeechOutputSession;
    outputs.push(out);
    return out;
  };

  beforeAll(async () => {
    pool = new AudioPoolService({ maxThreads: 2 });
    await pool.warmUp();
  });
  afterAll(() => pool.close());
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-qwen' });
    root = mkdtempSync(join(tmpdir(), 'neko-speech-'));
    const folder = dataFolderAt(root);
    mkdirSync(folder.configDir, { recursive: true });
    factory = new SpeechOutputFactoryService(new CoreConfigService(folder), pool, { qwenTtsUrl: `${fake.wsUrl}?model=${QWEN_TTS_MODEL}`, startTimeoutMs: 3000 });
  });
  afterEach(async () => {
    await Promise.all(outputs.splice(0).map((o) => o.close()));
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the offline voice speaks a streamed reply; the first audio leaves before the reply ends', async () => {
    write({ coreApi: 'openai', coreApiKey: '' });
    const sink = new RecordingSink();
    const speech = await create(sink);
    expect(speech.engineName).toBe('espeak-ng');
    expect(await speech.start()).toBe(true);
    // The first sentence is spoken while the reply is still streaming: audio arrives before the
    // utterance ends (no clock involved: the rest of the reply is held back until it does).
    for (const ch of '你好，主人！今天想'.match(/.{1,4}/gsu) ?? []) speech.push('r1', ch);
    await until(() => sink.chunks.length > 0);
    for (const ch of '聊点什么呢？ I can also speak English. This reply keeps streaming for a while.'.match(/.{1,4}/gsu) ?? []) speech.push('r1', ch);
    speech.endUtterance();
    await until(() => sink.bytes() > 48_000 * 2 * 2);
    expect(sink.chunks.every((c) => c.bytes.length % 2 === 0 && c.bytes.length > 4 && c.id === 'r1')).toBe(true);
  });

  it('a new speech id abandons the old utterance at once (pool synthesis included)', async () => {
    write({ coreApi: 'openai' });
    const sink = new RecordingSink();
    const speech = await create(sink);
    speech.push('old', 'The old reply is a long one. It has many sentences. Each one takes a while. It should stop.');
    await until(() => sink.bytes('old') > 0);
    speech.push('new', '新的回答。');
    const at = sink.chunks.length;
    speech.endUtterance();
    await until(() => sink.bytes('new') > 0);
    await new Promise((r) => setTimeout(r, 800));
    expect(sink.chunks.slice(at).every((c) => c.id === 'new')).toBe(true);
  });

  it('core provider qwen with a key speaks with Qwen realtime TTS (24 kHz → 48 kHz in the pool)', async () => {
    write({ coreApi: 'qwen', coreApiKey: 'sk-qwen' });
    const sink = new RecordingSink();
    const speech = await create(sink);
    expect(speech.engineName).toBe('qwen-realtime');
    expect(await speech.start()).toBe(true);
    const update = fake.realtimeEvents.find((e) => e.type === 'session.update') as { session: Record<string, unknown> } | undefined;
    expect(update?.session).toMatchObject({ mode: 'server_commit', voice: 'Cherry', response_format: 'pcm', sample_rate: 24000 });
    speech.push('q', '你好，主人！');
    speech.push('q', 'Nice to meet you.');
    speech.endUtterance();
    const chars = '你好，主人！'.length + 'Nice to meet you.'.length;
    await until(() => sink.bytes('q') >= chars * QWEN_BYTES_PER_CHAR);
    await new Promise((r) => setTimeout(r, 100));
    expect(Math.abs(sink.bytes('q') - chars * QWEN_BYTES_PER_CHAR)).toBeLessThanOrEqual(8);
    const appended = fake.realtimeEvents.filter((e) => e.type === 'input_text_buffer.append').map((e) => (e as { text?: string }).text);
    expect(appended).toEqual(['你好，主人！', 'Nice to meet you.']);
    // The fake's tone survives the resampler (not sample duplication): a clean sine at 48 kHz.
    const y = decodePcm16le(Buffer.concat(sink.chunks.map((c) => c.bytes)));
    const fit = fitSine(y, 440, 48_000, 2400, Math.min(y.length, '你好，主人！'.length * 1200) - 2400);
    expect(fit.sinadDb).toBeGreaterThan(40);
  });

  it('Qwen failing mid-utterance with a provider error: that sentence and the rest are spoken offline', async () => {
    write({ coreApi: 'qwen', coreApiKey: 'sk-qwen' });
    const sink = new RecordingSink();
    const speech = await create(sink);
    expect(await speech.start()).toBe(true);
    fake.script.realtime({ error: { code: 'invalid_value', message: 'voice not allowed' } });
    speech.push('m', 'First sentence here. Second one.');
    speech.endUtterance();
    await until(() => speech.engineName === 'espeak-ng' && sink.bytes('m') > 48_000 * 2);
    await speech.whenIdle();
    // espeak-ng output, not the fake's tone: more than 2400 bytes per character for these sentences.
    expect(sink.bytes('m')).toBeGreaterThan('First sentence here. Second one.'.length * QWEN_BYTES_PER_CHAR);
  });

  it('Qwen with a wrong key: start() is false and the offline voice speaks instead', async () => {
    write({ coreApi: 'qwen', coreApiKey: 'sk-wrong' });
    const sink = new RecordingSink();
    const speech = await create(sink);
    expect(await speech.start()).toBe(false);
    expect(speech.engineName).toBe('espeak-ng');
    speech.push('w', 'Spoken offline.');
    speech.endUtterance();
    await until(() => sink.bytes('w') > 48_000);
  });

  it('the choice is re-read at every create: custom TTS tier, no key, a character voice (CosyVoice)', async () => {
    write({ coreApi: 'qwen', coreApiKey: 'sk-qwen', enableCustomApi: true, ttsModelId: 'gpt-4o-mini-tts', ttsModelUrl: fake.baseUrl, ttsModelApiKey: 'sk-qwen' });
    const sink = new RecordingSink();
    const speech = await create(sink);
    expect(speech.engineName).toBe('openai-speech');
    speech.push('c', 'Custom voice.');
    speech.endUtterance();
    // The fake's tone: 50 ms of 24 kHz per character, resampled to 48 kHz in the pool.
    await until(() => sink.bytes('c') >= 'Custom voice.'.length * 4800);
    const y = decodePcm16le(Buffer.concat(sink.chunks.map((c) => c.bytes)));
    expect(fitSine(y, 440, 48_000, 2400, y.length - 2400).sinadDb).toBeGreaterThan(40);
    write({ coreApi: 'qwen', coreApiKey: '' });
    expect((await create(new RecordingSink())).engineName).toBe('espeak-ng');
    // A character's own voice: CosyVoice with the DashScope key (tts_custom), else the choice above.
    expect((await create(new RecordingSink(), 'cosyvoice-v3-plus-neko')).engineName).toBe('espeak-ng');
    write({ coreApi: 'qwen', coreApiKey: 'sk-qwen' });
    expect((await create(new RecordingSink(), 'cosyvoice-v3-plus-neko')).engineName).toBe('cosyvoice');
  });

  it('QwenRealtimeTtsAdapter: abort closes the socket, the next sentence reconnects', async () => {
    const qwen = new QwenRealtimeTtsAdapter({ apiKey: 'sk-qwen', url: `${fake.wsUrl}?model=${QWEN_TTS_MODEL}`, resampler: () => pool.resampler(24_000, 48_000) });
    await qwen.connect();
    const c = new AbortController();
    const got: Buffer[] = [];
    for await (const frame of qwen.synthesize('A sentence long enough to be cut off in the middle of it.', { signal: c.signal })) {
      got.push(frame);
      c.abort();
    }
    expect(got).toHaveLength(1);
    const again: Buffer[] = [];
    for await (const frame of qwen.synthesize('Again.')) again.push(frame);
    expect(Buffer.concat(again).length).toBe('Again.'.length * QWEN_BYTES_PER_CHAR);
    expect(fake.requests.filter((r) => r.path.endsWith('/realtime'))).toHaveLength(2);
    qwen.close();
  });
});
