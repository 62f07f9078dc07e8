import type { ResampleResult } from '../audio/audio-task.contract';
import audioTask from '../audio/audio.worker';
import { sineWave } from '../audio/audio-signal.analysis';
import { encodePcm16le } from '../audio/pcm16le.codec';
import { PooledStreamResampler } from '../audio/pooled-resampler.stream';
import { toPcm48kFrames } from './pcm48k-chunk.stream';
import { PooledPcm48kChunkStream } from './pooled-pcm48k.stream';
import { TTS_CHUNK_BYTES } from './tts.port';

/** The pool's resampler with the worker's own dispatcher run on this thread. */
const makeResampler = (inRate: number, outRate: number) => new PooledStreamResampler((task) => Promise.resolve(audioTask(task) as ResampleResult), inRate, outRate);

describe('PooledPcm48kChunkStream', () => {
  it.each([24_000, 22_050, 48_000])('gives the same 100 ms frames as the in-thread stream (%i Hz in, odd network chunks)', async (rate) => {
    const pcm = encodePcm16le(sineWave(440, rate, Math.round(rate * 0.77)));
    const s = new PooledPcm48kChunkStream(rate, makeResampler);
    const frames: Buffer[] = [];
    for (let off = 0; off < pcm.length; off += 1001) frames.push(...(await s.push(pcm.subarray(off, off + 1001))));
    frames.push(...(await s.end()));
    expect(await s.end()).toEqual([]);
    const expected = toPcm48kFrames(pcm, rate);
    expect(frames.map((f) => f.length)).toEqual(expected.map((f) => f.length));
    expect(Buffer.concat(frames).equals(Buffer.concat(expected))).toBe(true);
    expect(frames.slice(0, -1).every((f) => f.length === TTS_CHUNK_BYTES)).toBe(true);
    await expect(s.push(pcm)).rejects.toThrow(/ended/);
  });
});
