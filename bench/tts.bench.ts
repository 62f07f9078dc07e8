import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AudioPoolService } from '../src/main/audio/audio-pool.service';
import { EspeakNgAdapter } from '../src/main/tts/espeak-ng.adapter';
import { EspeakPoolAdapter } from '../src/main/tts/espeak-pool.adapter';
import { OpenAiSpeechAdapter } from '../src/main/tts/openai-speech.adapter';
import { QWEN_TTS_MODEL, QwenRealtimeTtsAdapter } from '../src/main/tts/qwen-realtime-tts.adapter';
import { SpeechOutputSession, type SpeechEngine } from '../src/main/tts/speech-output.session';
import { startFakeOpenAi } from '../test/fake-openai/fake-openai.server';
import { median, percentile, printTable, writeResult } from './report';

/**
 * TTS time to first audio for one short sentence, as a chat session sees it: SpeechOutput.push()
 * of the whole sentence + endUtterance() → the first 48 kHz frame handed to the sink. Offline
 * espeak-ng in the worker pool (and, for comparison, on the main thread), OpenAI /audio/speech
 * and Qwen realtime TTS against the fake provider on loopback (so: our overhead plus the fake's,
 * no network). Also the longest event-loop stall while speaking: what every other session feels.
 */

const RUNS = Number(process.env.BENCH_TTS_RUNS ?? 7);
const SENTENCES = { zh: '你好，主人！今天过得怎么样？', en: 'Hello! How was your day today?' } as const;

interface Row {
  readonly engine: string;
  readonly language: string;
  readonly firstAudioP50Ms: number;
  readonly firstAudioMaxMs: number;
  readonly audioSeconds: number;
  readonly maxLoopStallMs: number;
}

/** One utterance through a fresh SpeechOutputSession; resolves when the sentence has been delivered. */
async function speakOnce(engine: SpeechEngine, text: string): Promise<{ firstMs: number; bytes: number }> {
  let first = NaN;
  let bytes = 0;
  const started = performance.now();
  const session = new SpeechOutputSession(engine, {
    audio: (chunk) => {
      if (Number.isNaN(first)) first = performance.now() - started;
      bytes += chunk.length;
    },
  });
  session.push('bench', text);
  session.endUtterance();
  let limit: NodeJS.Timeout | undefined;
  await Promise.race([session.whenIdle(), new Promise((resolve) => (limit = setTimeout(resolve, 20_000)))]);
  clearTimeout(limit);
  await session.close();
  if (Number.isNaN(first)) throw new Error(`${engine.name} spoke nothing within 20 s`);
  return { firstMs: first, bytes };
}

async function measure(name: string, engine: SpeechEngine, language: keyof typeof SENTENCES): Promise<Row> {
  await speakOnce(engine, SENTENCES[language]); // warm: engine compiled, connection pools open
  const firsts: number[] = [];
  let bytes = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  for (let i = 0; i < RUNS; i++) {
    const r = await speakOnce(engine, SENTENCES[language]);
    firsts.push(r.firstMs);
    bytes = r.bytes;
  }
  loop.disable();
  firsts.sort((a, b) => a - b);
  return {
    engine: name,
    language,
    firstAudioP50Ms: median(firsts),
    firstAudioMaxMs: percentile(firsts, 100),
    audioSeconds: bytes / 2 / 48_000,
    maxLoopStallMs: loop.max / 1e6,
  };
}

export async function benchTts(): Promise<void> {
  const pool = new AudioPoolService();
  const fake = await startFakeOpenAi({ apiKey: 'sk-bench' });
  const rows: Row[] = [];
  try {
    await pool.warmUp();
    const qwen = new QwenRealtimeTtsAdapter({ apiKey: 'sk-bench', url: `${fake.wsUrl}?model=${QWEN_TTS_MODEL}`, resampler: () => pool.resampler(24_000, 48_000) });
    const engines: Array<[string, SpeechEngine]> = [
      ['espeak-ng in the worker pool (default offline voice)', { name: 'espeak-ng', tts: new EspeakPoolAdapter(pool) }],
      ['espeak-ng on the main thread (before this issue)', { name: 'espeak-ng', tts: new EspeakNgAdapter() }],
      ['OpenAI /audio/speech (fake provider, loopback)', { name: 'openai', tts: new OpenAiSpeechAdapter({ baseUrl: fake.baseUrl, apiKey: 'sk-bench', model: 'gpt-4o-mini-tts' }) }],
      // The session's start() connects; kept open across runs like a chat session's socket.
      ['Qwen realtime TTS (fake provider, loopback)', { name: 'qwen', tts: qwen }],
    ];
    await qwen.connect();
    for (const [name, engine] of engines) for (const lang of ['zh', 'en'] as const) rows.push(await measure(name, engine, lang));
    qwen.close();
  } finally {
    await fake.close();
    await pool.close();
  }
  printTable(
    `TTS time to first audio: one short sentence pushed, first 48 kHz frame at the sink (best-effort timing, ${RUNS} runs after a warm-up; ${pool.maxThreads} pool threads)`,
    ['engine', 'lang', 'first audio p50 (ms)', 'max (ms)', 'audio (s)', 'longest event-loop stall (ms)'],
    rows.map((r) => [r.engine, r.language, r.firstAudioP50Ms, r.firstAudioMaxMs, r.audioSeconds, r.maxLoopStallMs]),
  );
  console.log(`zh: "${SENTENCES.zh}", en: "${SENTENCES.en}". The fake answers /audio/speech with a whole tone at once and Qwen in 4-character deltas every 5 ms.`);
  console.log(`written ${writeResult('tts', { runs: RUNS, sentences: SENTENCES, rows })}`);
}
