import type { LlmMode } from '../llm/llm-session.port';
import type { ChatContext, LiveSession } from './chat-session.context';
import type { HotSwapController } from './hot-swap.controller';
import { errorText } from './start-failure.tracker';
import { packMicAudio } from './stream-frame.validator';

/** A provider call that failed for the session it was made on. */
export type StreamFailure = (live: LiveSession, err: unknown) => void;

/**
 * The running session of `mode` now. After an await the session may have been hot-swapped: the
 * input then goes to the new conversation (same mode), not lost; after an end or a mode change, nowhere.
 */
export function liveOf(ctx: ChatContext, mode: LlmMode): LiveSession | undefined {
  const live = ctx.live;
  return live?.mode === mode && !ctx.starting ? live : undefined;
}

/** A user text for the running text session (spec §5.3): barge-in, turn log, recall, then the model. */
export async function streamText(ctx: ChatContext, hotSwap: HotSwapController, live: LiveSession, text: string, fail: StreamFailure): Promise<void> {
  ctx.newSpeech();
  ctx.silenceOutput();
  await ctx.send({ type: 'user_activity' });
  // Barge-in: the reply still streaming stops now, not after the memory lookup below.
  if (ctx.manager.isResponding) await live.llm.cancelResponse().catch(() => undefined);
  ctx.turnLog.user(text);
  hotSwap.cacheLine('user', text);
  const memories = await ctx.deps.memory.recall(ctx.name, text, live.sessionKey).catch(() => '');
  const target = liveOf(ctx, 'text');
  if (!target) return;
  if (memories) await target.llm.addContext(memories).catch((err: unknown) => ctx.log.warn(`recall context for ${ctx.name} failed: ${errorText(err)}`));
  void target.llm.streamText(text).catch((err: unknown) => fail(target, err));
}

/** A microphone frame for the running voice session, resampled to the provider's input rate. */
export async function streamAudio(ctx: ChatContext, live: LiveSession, data: unknown, fail: StreamFailure): Promise<void> {
  const mic = packMicAudio(data);
  if (!mic) return;
  let pcm = mic.pcm;
  const rate = live.llm.inputSampleRate;
  if (mic.rate !== rate) {
    // One resampler per session and input rate (desktop 48 kHz, mobile 16 kHz), in the pool.
    let resampler = ctx.micResampler;
    if (resampler?.inRate !== mic.rate || resampler.outRate !== rate) resampler = ctx.micResampler = ctx.deps.audio.resampler(mic.rate, rate);
    pcm = await resampler.push(pcm);
  }
  const target = liveOf(ctx, 'audio');
  if (pcm.length === 0 || target?.llm.inputSampleRate !== rate) return;
  await target.llm.streamAudio(pcm).catch((err: unknown) => fail(target, err));
}
