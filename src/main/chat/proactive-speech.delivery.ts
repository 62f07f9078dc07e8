import type { ChatContext, LiveSession } from './chat-session.context';
import { sleep } from './session-start.runner';

/** Proactive chat: reply chunks and their spacing (spec §3.10). */
export const PROACTIVE_CHUNK_CHARS = 10;
export const PROACTIVE_CHUNK_GAP_MS = 50;

/**
 * Speaks a proactive line through the running session (spec §3.10): it goes into the model's
 * context, then through the normal reply path in 10-character chunks 50 ms apart (gemini_response,
 * TTS, turn log) and ends with `turn end`.
 */
export async function speakProactive(ctx: ChatContext, live: LiveSession, text: string): Promise<void> {
  const speechId = ctx.newSpeech();
  ctx.silenceOutput();
  const master = await ctx.deps.masterName();
  await live.llm.addContext(`${ctx.name}刚刚主动对${master}说：${text}`).catch(() => undefined);
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += PROACTIVE_CHUNK_CHARS) {
    if (i > 0) await sleep(PROACTIVE_CHUNK_GAP_MS);
    // The user spoke meanwhile (new turn) or the session went: the rest is not said.
    if (ctx.live !== live || ctx.speechId !== speechId) return;
    live.output.speakText(chars.slice(i, i + PROACTIVE_CHUNK_CHARS).join(''), i === 0);
  }
  // A proactive line is not a reply to the user: its turn end asks the analyzer nothing.
  ctx.agentCallbackTurn = true;
  live.output.responseDone();
}
