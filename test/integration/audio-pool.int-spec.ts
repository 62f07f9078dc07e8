import { Test } from '@nestjs/testing';
import { AUDIO_POOL } from '../../src/main/audio/audio-pool.port';
import { AudioModule } from '../../src/main/audio/audio.module';
import { AUDIO_WARMUP, type AudioWarmup } from '../../src/main/startup/startup.service';
import { fitSine, maxStep, sineWave, zeroCrossingFrequency } from '../../src/main/audio/audio-signal.analysis';
import { AudioPoolService, audioWorkerPath, defaultMaxThreads, espeakLimit } from '../../src/main/audio/audio-pool.service';
import { Pcm16leResamplerStream } from '../../src/main/audio/pcm16le-resampler.stream';
import { decodePcm16le, encodePcm16le } from '../../src/main/audio/pcm16le.codec';

/** The real Piscina pool on the compiled worker (dist/src/main/audio/audio.worker.js, made by pretest). */
describe('AudioPoolService (Piscina worker threads)', () => {
  jest.setTimeout(60_000);
  let pool: AudioPoolService;
  beforeAll(() => {
    pool = new AudioPoolService({ maxThreads: 2 });
  });
  afterAll(() => pool.close());

  /** Odd-sized chunks (split samples) pushed without waiting, as a socket handler does. */
  async function resampleConcurrently(inRate: number, outRate: number, input: Int16Array, chunkBytes: number): Promise<{ out: Buffer; frames: Buffer[] }> {
    const r = pool.resampler(inRate, outRate, 0); // every chunk through a worker
    const bytes = encodePcm16le(input);
    const pending: Array<Promise<Buffer>> = [];
    for (let off = 0; off < bytes.length; off += chunkBytes) pending.push(r.push(bytes.subarray(off, off + chunkBytes)));
    pending.push(r.flush());
    const frames = await Promise.all(pending);
    return { out: Buffer.concat(frames), frames };
  }

  it.each([
    [24_000, 48_000, 1000, 961],
    [48_000, 16_000, 440, 961],
  ])('%i Hz → %i Hz keeps a %i Hz sine: frequency, level, no step at chunk edges', async (inRate, outRate, freq, chunkBytes) => {
    const input = sineWave(freq, inRate, inRate * 2, 0.5);
    const { out, frames } = await resampleConcurrently(inRate, outRate, input, chunkBytes);
    for (const f of frames) expect(f.length % 2).toBe(0);
    const y = decodePcm16le(out);
    expect(Math.abs(y.length - input.length * (outRate / inRate))).toBeLessThan(64);
    const edge = Math.round(outRate * 0.05);
    const fit = fitSine(y, freq, outRate, edge, y.length - edge);
    expect(fit.amplitude / (0.5 * 32767)).toBeCloseTo(1, 2);
    expect(fit.sinadDb).toBeGreaterThan(70);
    expect(Math.abs(zeroCrossingFrequency(y, outRate, edge, y.length - edge) - freq)).toBeLessThan(1);
    // The largest sample-to-sample step of a sine is 2π·f/fs of its amplitude: no click beyond it.
    const bound = 2 * Math.PI * (freq / outRate) * 0.5 * 32767 * 1.05;
    expect(maxStep(y, edge, y.length - edge)).toBeLessThan(bound);
  });

  it('gives exactly what the in-thread stream gives, chunk for chunk, in call order', async () => {
    const input = sineWave(523, 24_000, 24_000, 0.4);
    const { frames } = await resampleConcurrently(24_000, 48_000, input, 480 * 2 + 1);
    const local = new Pcm16leResamplerStream({ inRate: 24_000, outRate: 48_000 });
    const bytes = encodePcm16le(input);
    const expected: Buffer[] = [];
    for (let off = 0; off < bytes.length; off += 961) expected.push(Buffer.from(local.push(bytes.subarray(off, off + 961))));
    expected.push(local.flush());
    expect(frames.map((f) => f.length)).toEqual(expected.map((f) => f.length));
    expect(Buffer.concat(frames).equals(Buffer.concat(expected))).toBe(true);
  });

  it('runs many streams at once without mixing their states', async () => {
    const tones = [300, 700, 1100, 1900];
    const outs = await Promise.all(tones.map((f) => resampleConcurrently(24_000, 48_000, sineWave(f, 24_000, 12_000), 960)));
    outs.forEach(({ out }, i) => {
      const y = decodePcm16le(out);
      const edge = 2400;
      expect(fitSine(y, tones[i], 48_000, edge, y.length - edge).sinadDb).toBeGreaterThan(70);
    });
  });

  it('starts a fresh stream after flush, and refuses unsupported rates', async () => {
    const r = pool.resampler(48_000, 16_000, 0);
    const a = Buffer.concat([await r.push(encodePcm16le(sineWave(440, 48_000, 4800))), await r.flush()]);
    const b = Buffer.concat([await r.push(encodePcm16le(sineWave(440, 48_000, 4800))), await r.flush()]);
    expect(a.equals(b)).toBe(true);
    expect(() => pool.resampler(44_100, 1)).toThrow(RangeError);
  });

  it('filters a lone 10 ms frame on this thread (cheaper than a round trip), larger or queued audio in the pool', async () => {
    const r = pool.resampler(48_000, 16_000);
    const frame = encodePcm16le(sineWave(440, 48_000, 480));
    const before = pool.completedTasks;
    const inline = Buffer.concat([await r.push(frame), await r.push(frame)]);
    expect(pool.completedTasks).toBe(before);
    const big = await r.push(encodePcm16le(sineWave(440, 48_000, 4800)));
    expect(pool.completedTasks).toBe(before + 1);
    const local = new Pcm16leResamplerStream({ inRate: 48_000, outRate: 16_000 });
    const expected = Buffer.concat([local.push(frame), local.push(frame), local.push(encodePcm16le(sineWave(440, 48_000, 4800)))]);
    expect(Buffer.concat([inline, big]).equals(expected)).toBe(true);
  });

  it('speaks espeak-ng in a worker (48 kHz PCM16) and reports the worker path and thread bounds', async () => {
    await pool.warmUp();
    const { pcm48k, engineMs } = await pool.espeak(['-v', 'en-us', '-w', '/out.wav', ' Hello there.']);
    expect(pcm48k.byteLength % 2).toBe(0);
    expect(pcm48k.byteLength / 2 / 48_000).toBeGreaterThan(0.4);
    expect(engineMs).toBeGreaterThan(0);
    expect(audioWorkerPath()).toMatch(/audio\.worker\.js$/);
    expect(defaultMaxThreads(1)).toBe(2);
    expect(defaultMaxThreads(16)).toBe(15);
    expect(pool.threads).toBeGreaterThanOrEqual(1);
    expect(pool.threads).toBeLessThanOrEqual(2);
  });

  it('offline sentences take at most maxThreads − 1 threads: resampling is not stuck behind them; a waiting one can be aborted', async () => {
    await pool.warmUp();
    expect([espeakLimit(1), espeakLimit(2), espeakLimit(8)]).toEqual([1, 1, 7]);
    const say = (text: string, signal?: AbortSignal) => pool.espeak(['-v', 'en-us', '-w', '/out.wav', ` ${text}`], signal);
    const first = say('A first offline sentence of some length, to keep a thread busy.');
    const c = new AbortController();
    const second = say('A second one, abandoned while it waits.', c.signal);
    const third = say('A third one.');
    expect(pool.espeakLoad).toEqual({ running: 1, waiting: 2, limit: 1 });
    c.abort(new Error('abandoned'));
    await expect(second).rejects.toThrow('abandoned');
    expect(pool.espeakLoad.waiting).toBe(1);
    // 100 ms of provider audio through a worker while the first sentence still runs.
    let espeakDone = false;
    void first.then(() => (espeakDone = true));
    const resampled = await pool.resampler(24_000, 48_000, 0).push(Buffer.alloc(4800));
    expect(resampled.length).toBeGreaterThan(9000);
    expect(espeakDone).toBe(false);
    await Promise.all([first, third]);
    expect(pool.espeakLoad).toEqual({ running: 0, waiting: 0, limit: 1 });
  });

  it('turns an engine failure into a rejection and keeps serving; closes idempotently', async () => {
    await expect(pool.espeak(['-v', 'en-us', '-w', '/elsewhere.wav', ' x'])).rejects.toMatchObject({ message: expect.stringMatching(/espeak-ng wrote no/) as unknown });
    expect((await pool.echo(Buffer.from('ping'))).toString()).toBe('ping');
    const other = new AudioPoolService({ maxThreads: 1 });
    await other.close();
    await other.close();
    await expect(other.resampler(24_000, 48_000, 0).push(Buffer.alloc(960))).rejects.toMatchObject({ message: expect.stringMatching(/closed/) as unknown });
  });

  it('AudioModule: AUDIO_POOL and AUDIO_WARMUP (returns at once, warms in the background); the pool closes with the app', async () => {
    const app = await Test.createTestingModule({ imports: [AudioModule] }).compile();
    const audio = app.get<AudioPoolService>(AUDIO_POOL);
    expect(audio).toBeInstanceOf(AudioPoolService);
    const started = performance.now();
    await app.get<AudioWarmup>(AUDIO_WARMUP)();
    expect(performance.now() - started).toBeLessThan(100);
    expect((await audio.resampler(24_000, 48_000).push(Buffer.alloc(960))).length).toBeGreaterThan(0);
    await app.close();
    expect(audio.closed).toBe(true);
  });
});
