import { benchAgent } from './agent.bench';
import { benchChatLatency } from './chat-latency.bench';
import { benchLocomo } from './locomo.bench';
import { benchMemoryScale } from './memory-scale.bench';
import { benchParaphrase } from './paraphrase.bench';
import { benchResampler } from './resampler.bench';
import { benchRest } from './rest.bench';
import { benchStartup } from './startup.bench';
import { benchTts } from './tts.bench';
import { benchWeb } from './web.bench';
import { benchZmq } from './zmq.bench';

/** `npm run bench`: prints tables and writes bench/results/*.json. Select with `npm run bench -- startup|zmq|locomo|paraphrase|memory|rest|resampler|tts|chat|agent|web`. */
async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'startup') await benchStartup();
  if (!only || only === 'zmq') await benchZmq();
  if (!only || only === 'locomo') await benchLocomo();
  if (!only || only === 'paraphrase') await benchParaphrase();
  if (!only || only === 'memory') await benchMemoryScale();
  if (!only || only === 'rest') await benchRest();
  if (!only || only === 'resampler') await benchResampler();
  if (!only || only === 'tts') await benchTts();
  if (!only || only === 'chat') await benchChatLatency();
  if (!only || only === 'agent') await benchAgent();
  if (!only || only === 'web') await benchWeb();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
