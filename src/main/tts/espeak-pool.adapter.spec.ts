import type { EspeakResult } from '../audio/audio-task.contract';
import { ESPEAK_WAV_PATH } from '../audio/audio-task.contract';
import { espeakArgs } from './espeak-ng.adapter';
import { EspeakPoolAdapter, type EspeakWorkerRunner } from './espeak-pool.adapter';

describe('EspeakPoolAdapter', () => {
  it('builds the shared arguments and hands the abort signal to the pool (a queued sentence leaves the queue); an abort is no failure', async () => {
    const calls: Array<{ args: readonly string[]; signal?: AbortSignal }> = [];
    const runner: EspeakWorkerRunner = {
      espeak: (args, signal) => {
        calls.push({ args, signal });
        // As the pool does: a queued task rejects when its signal aborts.
        return new Promise<EspeakResult>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('The task has been aborted'))));
      },
      warmUp: () => Promise.resolve(),
    };
    const tts = new EspeakPoolAdapter(runner, { wordsPerMinute: 180.4 });
    const c = new AbortController();
    const out: Buffer[] = [];
    const pending = (async () => {
      for await (const f of tts.synthesize('  Hello\nthere. ', { signal: c.signal, language: 'en' })) out.push(f);
    })();
    await new Promise((r) => setTimeout(r, 5));
    c.abort();
    await pending;
    expect(out).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0].signal).toBe(c.signal);
    expect(calls[0].args).toEqual(['-v', 'en-us', '-w', ESPEAK_WAV_PATH, '-s', '180', ' Hello there.']);
    expect(espeakArgs('你好', 'ja')).toEqual(['-v', 'ja', '-w', ESPEAK_WAV_PATH, ' 你好']);
  });
});
