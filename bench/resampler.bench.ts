import { fitSine, goertzelAmplitude, decibels, sineWave, concatSamples } from '../src/main/audio/audio-signal.analysis';
import { AudioPoolService } from '../src/main/audio/audio-pool.service';
import { DEFAULT_INLINE_MAX_MS, MAX_CHUNKS_PER_TASK } from '../src/main/audio/pooled-resampler.stream';
import { DEFAULT_RESAMPLER_QUALITY, Pcm16Resampler } from '../src/main/audio/pcm16-resampler';
import { Pcm16leResamplerStream } from '../src/main/audio/pcm16le-resampler.stream';
import { decodePcm16le, encodePcm16le } from '../src/main/audio/pcm16le.codec';
import type { ResamplerQuality } from '../src/main/audio/polyphase-filter.design';
import { percentile, printTable, writeResult } from './report';

/**
 * Resampler speed and quality, after ../shared/design/dependencies.md §9: int16 sines at −6 dBFS,
 * fed in real-time-sized chunks through one stateful instance; speed = seconds of audio per
 * CPU-second; SINAD = least-squares sine fit over the output minus 0.5 s at each edge.
 */

const SECONDS = Number(process.env.BENCH_RESAMPLER_SECONDS ?? 60);
const REPEATS = 3;

interface Direction {
  readonly inRate: number;
  readonly outRate: number;
  /** Input chunk: 20 ms of provider audio, or one 480-sample (10 ms) microphone frame. */
  readonly chunk: number;
}
const DIRECTIONS: readonly Direction[] = [
  { inRate: 24000, outRate: 48000, chunk: 480 },
  { inRate: 48000, outRate: 16000, chunk: 480 },
];

/** A streaming int16 → int16 resampler under test. */
interface Candidate {
  readonly name: string;
  /** Look-ahead in input samples. */
  readonly latency: number;
  process(chunk: Int16Array): Int16Array;
  destroy(): void;
}
type Factory = (inRate: number, outRate: number) => Candidate;

function ours(quality: ResamplerQuality): [string, Factory] {
  const label = `ours ${quality}${quality === DEFAULT_RESAMPLER_QUALITY ? ' (default)' : ''}`;
  return [
    label,
    (inRate, outRate) => {
      const r = new Pcm16Resampler({ inRate, outRate, quality });
      return { name: label, latency: r.latencyInputSamples, process: (c) => r.push(c), destroy: () => undefined };
    },
  ];
}

/** The emscripten exports of @echogarden/speex-resampler-wasm that the wrapper uses. */
interface SpeexModule {
  HEAP16: Int16Array;
  HEAPU32: Uint32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, err: number): number;
  _speex_resampler_skip_zeros(st: number): number;
  _speex_resampler_get_input_latency(st: number): number;
  _speex_resampler_process_int(st: number, channel: number, inP: number, inLen: number, outP: number, outLen: number): number;
  _speex_resampler_destroy(st: number): void;
}

/** ESM-only package with a WASM file; optional (a dev dependency), so the bench runs without it. */
async function loadSpeex(): Promise<SpeexModule | undefined> {
  const specifier: string = '@echogarden/speex-resampler-wasm/simd';
  try {
    const mod = (await import(specifier)) as { default: () => Promise<SpeexModule> };
    return await mod.default();
  } catch (err) {
    console.warn(`speex-resampler-wasm not available: ${(err as Error).message}`);
    return undefined;
  }
}

/** The wrapper of dependencies.md §9. */
function speex(m: SpeexModule, quality: number): [string, Factory] {
  const label = `speex-wasm q${quality}`;
  return [
    label,
    (inRate, outRate) => {
      const err = m._malloc(4);
      const st = m._speex_resampler_init(1, inRate, outRate, quality, err);
      m._free(err);
      const max = 4800;
      const outCap = Math.ceil((max * outRate) / inRate) + 64;
      const inP = m._malloc(max * 2);
      const outP = m._malloc(outCap * 2);
      const inLen = m._malloc(4);
      const outLen = m._malloc(4);
      m._speex_resampler_skip_zeros(st);
      const process = (pcm: Int16Array): Int16Array => {
        const parts: Int16Array[] = [];
        for (let off = 0; off < pcm.length; ) {
          const n = Math.min(max, pcm.length - off);
          m.HEAP16.set(pcm.subarray(off, off + n), inP >> 1);
          m.HEAPU32[inLen >> 2] = n;
          m.HEAPU32[outLen >> 2] = outCap;
          m._speex_resampler_process_int(st, 0, inP, inLen, outP, outLen);
          const used = m.HEAPU32[inLen >> 2];
          const got = m.HEAPU32[outLen >> 2];
          parts.push(m.HEAP16.slice(outP >> 1, (outP >> 1) + got));
          off += used;
          if (used === 0 && got === 0) break;
        }
        return parts.length === 1 ? parts[0] : concatSamples(parts);
      };
      const destroy = () => {
        m._speex_resampler_destroy(st);
        for (const p of [inP, outP, inLen, outLen]) m._free(p);
      };
      return { name: label, latency: m._speex_resampler_get_input_latency(st), process, destroy };
    },
  ];
}

function runChunked(c: Candidate, input: Int16Array, chunk: number): Int16Array {
  const parts: Int16Array[] = [];
  for (let off = 0; off < input.length; off += chunk) parts.push(c.process(input.subarray(off, off + chunk)));
  return concatSamples(parts);
}

function cpuSeconds(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e6;
}

/** Gain (dB) at `f`: fitted output amplitude over fitted input amplitude, 0.5 s tones. */
function gainDb(make: Factory, d: Direction, f: number): number {
  const input = sineWave(f, d.inRate, d.inRate / 2);
  const c = make(d.inRate, d.outRate);
  const out = runChunked(c, input, d.chunk);
  c.destroy();
  const edgeIn = Math.round(d.inRate * 0.05);
  const edgeOut = Math.round(d.outRate * 0.05);
  const a = fitSine(input, f, d.inRate, edgeIn, input.length - edgeIn).amplitude;
  return decibels(fitSine(out, f, d.outRate, edgeOut, out.length - edgeOut * 2).amplitude / a);
}

interface Row {
  readonly candidate: string;
  readonly direction: string;
  readonly speedXRealtime: number;
  readonly sinad1kDb: number;
  readonly sinad997Db: number;
  readonly flatnessDb: number;
  readonly gainAt09NyquistDb: number;
  readonly rejectionDb: number;
  readonly latencyMs: number;
}

function measure(name: string, make: Factory, d: Direction): Row {
  const lowNyquist = Math.min(d.inRate, d.outRate) / 2;
  const input = sineWave(1000, d.inRate, d.inRate * SECONDS);
  let best = Infinity;
  let out: Int16Array = new Int16Array(0);
  let latency = 0;
  for (let i = 0; i < REPEATS; i++) {
    const c = make(d.inRate, d.outRate);
    latency = c.latency;
    best = Math.min(best, cpuSeconds(() => (out = runChunked(c, input, d.chunk))));
    c.destroy();
  }
  const edge = Math.round(d.outRate * 0.5);
  const sinad = fitSine(out, 1000, d.outRate, edge, out.length - edge).sinadDb;
  // Pass band: 50 Hz … 0.8 × the lower Nyquist frequency, relative to 1 kHz.
  const ref = gainDb(make, d, 1000);
  const freqs = [50, 200, 500, 2000, 4000, 0.5, 0.6, 0.7, 0.75, 0.8].map((f) => (f < 1 ? f * lowNyquist : f));
  const flatness = Math.max(...freqs.map((f) => Math.abs(gainDb(make, d, f) - ref)));
  const edgeGain = gainDb(make, d, 0.9 * lowNyquist) - ref;
  const sinad997 = fitSine(runOnce(make, d, sineWave(997, d.inRate, d.inRate * 10)), 997, d.outRate, edge, d.outRate * 10 - 2 * edge).sinadDb;
  return {
    candidate: name,
    direction: `${d.inRate / 1000}k→${d.outRate / 1000}k`,
    speedXRealtime: SECONDS / best,
    sinad1kDb: sinad,
    sinad997Db: sinad997,
    flatnessDb: flatness,
    gainAt09NyquistDb: edgeGain,
    rejectionDb: Math.max(...stopBandProbes(d).map((f) => leakDb(make, d, f))),
    latencyMs: (latency / d.inRate) * 1000,
  };
}

/** Up: tones whose images (inRate − f) land in the stop band; down: tones above the output Nyquist frequency. */
function stopBandProbes(d: Direction): number[] {
  return d.outRate > d.inRate ? [997, 4999, 9601, 10501] : [8501, 9001, 12007, 15013, 20011];
}

/** Level (dBc) of the image or alias of a tone at f, by Goertzel over 1 s (incommensurate tones spread the rounding noise). */
function leakDb(make: Factory, d: Direction, f: number): number {
  const y = runOnce(make, d, sineWave(f, d.inRate, d.inRate));
  const folded = f % d.outRate;
  const at = d.outRate > d.inRate ? d.inRate - f : Math.min(folded, d.outRate - folded);
  const skip = Math.round(d.outRate * 0.1);
  return decibels(goertzelAmplitude(y, at, d.outRate, skip, y.length - skip, 'blackman-harris') / (0.5 * 32767));
}

function runOnce(make: Factory, d: Direction, input: Int16Array): Int16Array {
  const c = make(d.inRate, d.outRate);
  const y = runChunked(c, input, d.chunk);
  c.destroy();
  return y;
}
type PoolRow = { candidate: string; direction: string; streams: number; speedXRealtimePerCpu: number; wallXRealtime: number; sinad1kDb: number };
type RoundTrip = { what: string; p50Us: number; p99Us: number };

/**
 * The default resampler as the server runs it, `streams` sessions at once. Paced: one chunk per
 * task (frames arriving in real time on an idle server). Burst: pushes without waiting, batched
 * MAX_CHUNKS_PER_TASK per task (a loaded server). CPU of the whole process: main thread + workers.
 */
async function measurePool(pool: AudioPoolService, d: Direction, streams: number, paced: boolean, inlineMs: number): Promise<PoolRow> {
  const seconds = Math.max(5, Math.round(SECONDS / streams));
  const bytes = encodePcm16le(sineWave(1000, d.inRate, d.inRate * seconds));
  const one = async (): Promise<Buffer> => {
    const r = pool.resampler(d.inRate, d.outRate, inlineMs);
    const parts: Array<Promise<Buffer>> = [];
    for (let off = 0; off < bytes.length; off += d.chunk * 2) {
      parts.push(r.push(bytes.subarray(off, off + d.chunk * 2)));
      if (paced) await parts[parts.length - 1];
    }
    parts.push(r.flush());
    return Buffer.concat(await Promise.all(parts));
  };
  let best = { cpu: Infinity, wall: Infinity };
  let out: Buffer = Buffer.alloc(0);
  for (let i = 0; i < REPEATS; i++) {
    const [t, w] = [process.cpuUsage(), performance.now()];
    out = (await Promise.all(Array.from({ length: streams }, one)))[0];
    const c = process.cpuUsage(t);
    if ((c.user + c.system) / 1e6 < best.cpu) best = { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - w) / 1000 };
  }
  const [y, edge] = [decodePcm16le(out), Math.round(d.outRate * 0.5)];
  const mode = inlineMs > 0 ? `paced, ≤ ${inlineMs} ms on the main thread (default)` : paced ? 'paced: 1 chunk per task' : `burst: ≤ ${MAX_CHUNKS_PER_TASK} chunks per task`;
  const [candidate, direction, sinad1kDb] = [`ours ${DEFAULT_RESAMPLER_QUALITY} in pool, ${mode}`, `${d.inRate / 1000}k→${d.outRate / 1000}k`, fitSine(y, 1000, d.outRate, edge, y.length - edge).sinadDb];
  return { candidate, direction, streams, speedXRealtimePerCpu: (seconds * streams) / best.cpu, wallXRealtime: (seconds * streams) / best.wall, sinad1kDb };
}

/** One task at a time: what a pool round trip costs next to resampling the chunk on the main thread. */
async function roundTrips(pool: AudioPoolService): Promise<RoundTrip[]> {
  const time = async (what: string, fn: () => unknown): Promise<RoundTrip> => {
    const us: number[] = [];
    for (let i = 0; i < 2200; i++) {
      const t = performance.now();
      await fn();
      if (i >= 200) us.push((performance.now() - t) * 1000); // after 200 warm-up calls
    }
    us.sort((a, b) => a - b);
    return { what, p50Us: percentile(us, 50), p99Us: percentile(us, 99) };
  };
  const [mic10ms, provider20ms, up, down] = [encodePcm16le(sineWave(440, 48_000, 480)), encodePcm16le(sineWave(440, 24_000, 480)), new Pcm16leResamplerStream({ inRate: 24_000, outRate: 48_000 }), new Pcm16leResamplerStream({ inRate: 48_000, outRate: 16_000 })];
  const [poolUp, poolDown, poolDefault] = [pool.resampler(24_000, 48_000, 0), pool.resampler(48_000, 16_000, 0), pool.resampler(48_000, 16_000)];
  return [
    await time('empty task (echo 960 B) through the pool', () => pool.echo(mic10ms)),
    await time('48k→16k 10 ms chunk, main thread', () => down.push(mic10ms)),
    await time('48k→16k 10 ms chunk, pool round trip', () => poolDown.push(mic10ms)),
    await time('48k→16k 10 ms chunk, default (on the main thread)', () => poolDefault.push(mic10ms)),
    await time('24k→48k 20 ms chunk, main thread', () => up.push(provider20ms)),
    await time('24k→48k 20 ms chunk, pool round trip', () => poolUp.push(provider20ms)),
  ];
}

async function benchPool(): Promise<{ pool: PoolRow[]; roundTrips: RoundTrip[]; inlineMaxMs: number }> {
  const pool = new AudioPoolService();
  try {
    await pool.warmUp();
    const rows: PoolRow[] = [];
    const modes = [[1, true, DEFAULT_INLINE_MAX_MS], [1, true, 0], [1, false, 0], [8, false, 0]] as const;
    for (const d of DIRECTIONS) for (const [streams, paced, inline] of modes) rows.push(await measurePool(pool, d, streams, paced, inline));
    printTable(
      `Resampler in the worker pool (what the server runs, ${pool.maxThreads} threads): 480-sample chunks; speed = × real time per CPU-second of the whole process (main thread + workers)`,
      ['candidate', 'direction', 'streams', 'speed (× RT / CPU-s)', 'wall (× RT)', 'SINAD 1 kHz (dB)'],
      rows.map((r) => [r.candidate, r.direction, r.streams, Math.round(r.speedXRealtimePerCpu), Math.round(r.wallXRealtime), r.sinad1kDb]),
    );
    const trips = await roundTrips(pool);
    printTable('One chunk at a time: pool round trip vs. resampling on the main thread (µs)', ['what', 'p50 (µs)', 'p99 (µs)'], trips.map((t) => [t.what, t.p50Us, t.p99Us]));
    return { pool: rows, roundTrips: trips, inlineMaxMs: DEFAULT_INLINE_MAX_MS };
  } finally {
    await pool.close();
  }
}

export async function benchResampler(): Promise<void> {
  const candidates: Array<[string, Factory]> = [ours('fast'), ours('medium'), ours('high')];
  const m = await loadSpeex();
  if (m) candidates.push(speex(m, 5), speex(m, 7), speex(m, 10));
  const rows: Row[] = [];
  for (const d of DIRECTIONS) for (const [name, make] of candidates) rows.push(measure(name, make, d));
  printTable(
    `Resampler, int16 mono: ${SECONDS} s of a −6 dBFS 1 kHz sine in 480-sample chunks (20 ms at 24 kHz, 10 ms at 48 kHz); speed = × real time per CPU-second, best of ${REPEATS}`,
    ['candidate', 'direction', 'speed (× RT)', 'SINAD 1 kHz (dB)', 'SINAD 997 Hz (dB)', 'flatness ≤ 0.8·Nyq (±dB)', 'gain 0.9·Nyq (dB)', 'worst image/alias (dBc)', 'look-ahead (ms)'],
    rows.map((r) => [r.candidate, r.direction, Math.round(r.speedXRealtime), r.sinad1kDb, r.sinad997Db, r.flatnessDb, r.gainAt09NyquistDb, r.rejectionDb, r.latencyMs]),
  );
  console.log('worst image/alias: 24k→48k, images (24 kHz − f) of 1, 5, 9.6, 10.5 kHz tones; 48k→16k, aliases of 8.5, 9, 12, 15, 20 kHz tones; Blackman-Harris Goertzel, relative to the tone. 997 Hz: rounding errors do not repeat.');
  const inPool = await benchPool();
  console.log(`written ${writeResult('resampler', { seconds: SECONDS, defaultQuality: DEFAULT_RESAMPLER_QUALITY, rows, ...inPool })}`);
}
