import type { ResampleResult, ResampleTask } from './audio-task.contract';
import audioTask from './audio.worker';
import { sineWave } from './audio-signal.analysis';
import { Pcm16leResamplerStream } from './pcm16le-resampler.stream';
import { encodePcm16le } from './pcm16le.codec';
import { MAX_CHUNKS_PER_TASK, MAX_QUEUED_CHUNKS, PooledStreamResampler, ResamplerBacklogError } from './pooled-resampler.stream';

/** The worker's own dispatcher run on this thread, a little later (as a pool answers), recording each task. */
function inThread(tasks: ResampleTask[], fail?: (t: ResampleTask) => boolean) {
  return (task: ResampleTask): Promise<ResampleResult> =>
    new Promise((resolve, reject) =>
      setTimeout(() => {
        tasks.push(task);
        if (fail?.(task)) reject(new Error('pool closed'));
        else resolve(audioTask(task) as ResampleResult);
      }, 2),
    );
}

describe('PooledStreamResampler', () => {
  const bytes = encodePcm16le(sineWave(997, 24_000, 24_000));

  it('batches overlapping pushes, one task in flight, results in call order equal to the in-thread stream', async () => {
    const tasks: ResampleTask[] = [];
    const r = new PooledStreamResampler(inThread(tasks), 24_000, 48_000);
    const pushes: Array<Promise<Buffer>> = [];
    for (let off = 0; off < bytes.length; off += 961) pushes.push(r.push(bytes.subarray(off, off + 961)));
    pushes.push(r.flush());
    const outs = await Promise.all(pushes);
    const local = new Pcm16leResamplerStream({ inRate: 24_000, outRate: 48_000 });
    const expected: Buffer[] = [];
    for (let off = 0; off < bytes.length; off += 961) expected.push(Buffer.from(local.push(bytes.subarray(off, off + 961))));
    expected.push(local.flush());
    expect(outs.map((o) => o.length)).toEqual(expected.map((e) => e.length));
    expect(Buffer.concat(outs).equals(Buffer.concat(expected))).toBe(true);
    expect(tasks[0].chunks).toHaveLength(1); // the first push goes at once
    expect(tasks.length).toBeLessThan(pushes.length);
    expect(Math.max(...tasks.map((t) => t.chunks.length))).toBeLessThanOrEqual(MAX_CHUNKS_PER_TASK);
  });

  it('a failed task rejects its own pushes; the stream carries on from the last good state', async () => {
    const tasks: ResampleTask[] = [];
    let failNext = false;
    const r = new PooledStreamResampler(inThread(tasks, () => failNext && !(failNext = false)), 48_000, 16_000);
    const a = await r.push(bytes.subarray(0, 960));
    failNext = true;
    await expect(r.push(bytes.subarray(960, 1920))).rejects.toThrow('pool closed');
    const b = await r.push(bytes.subarray(960, 1920));
    expect(a.length + b.length).toBeGreaterThan(0);
    expect((b.length / 2) % 1).toBe(0);
    expect(() => new PooledStreamResampler(inThread([]), 24_000, 1e6)).toThrow(RangeError);
  });

  it('refuses pushes beyond the backlog bound (audio or push count) with a clear error; a flush always goes', async () => {
    const tasks: ResampleTask[] = [];
    const r = new PooledStreamResampler(inThread(tasks), 24_000, 48_000, 0, 100); // 100 ms = 4800 bytes
    const inFlight = r.push(bytes.subarray(0, 4800)); // leaves at once: not counted
    const queued = r.push(bytes.subarray(0, 4800));
    expect(r.backlogBytes).toBe(4800);
    await expect(r.push(bytes.subarray(0, 2))).rejects.toThrow(ResamplerBacklogError);
    await expect(r.push(bytes.subarray(0, 2))).rejects.toThrow(/24000 → 48000 Hz is 100 ms \(1 pushes\) behind/);
    const flushed = r.flush();
    await Promise.all([inFlight, queued, flushed]);
    expect(r.backlogBytes).toBe(0);
    expect(await r.push(bytes.subarray(0, 4800))).toBeInstanceOf(Buffer); // room again once the pool caught up

    const many = new PooledStreamResampler(inThread([]), 24_000, 48_000);
    const pushes = Array.from({ length: MAX_QUEUED_CHUNKS + 1 }, () => many.push(bytes.subarray(0, 2)));
    await expect(many.push(bytes.subarray(0, 2))).rejects.toThrow(ResamplerBacklogError);
    await Promise.all(pushes);
  });
});
