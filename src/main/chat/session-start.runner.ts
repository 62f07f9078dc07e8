import { randomUUID } from 'node:crypto';
import { MemoryUnavailableError } from '../chat-memory/chat-memory.port';
import type { LlmMode, LlmSession } from '../llm/llm-session.port';
import type { SpeechOutput } from '../tts/speech-output.port';
import { ChatStatus } from './chat-status.const';
import type { ChatContext, LiveSession, StartToken } from './chat-session.context';
import { ReplyOutput, type ReplyHooks } from './reply-output.handler';
import { buildSessionPrompt } from './session-prompt.builder';
import { errorText, isNotConfigured, startFailureStatuses } from './start-failure.tracker';

/** Spec §5.2 step 11: the voice warm-up waits at most this long for its response.done. */
export const WARM_UP_TIMEOUT_MS = 5000;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Resolves when `promise` settles or after `ms`, whichever is first; never rejects. */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return Promise.race([promise.then(() => undefined, () => undefined), sleep(ms)]);
}

export const agentMode = (ctx: ChatContext): boolean => {
  const f = ctx.manager.agentFlags;
  return f.agent_enabled && (f.computer_use_enabled || f.mcp_enabled || f.browser_use_enabled);
};

/**
 * The session instructions (spec §10.1). strictMemory=false (session start): the memory server being
 * down is told to the user and the session starts without its context; true (hot swap): it fails.
 */
export async function sessionInstructions(ctx: ChatContext, cachedLines: string, strictMemory: boolean): Promise<string> {
  let memoryContext = '';
  try {
    memoryContext = await ctx.deps.memory.newDialog(ctx.name);
  } catch (err) {
    if (strictMemory) throw err;
    const text = err instanceof MemoryUnavailableError ? err.message : errorText(err);
    void ctx.status(ChatStatus.memoryDown(text));
  }
  return buildSessionPrompt({
    lanlanName: ctx.name,
    characterPrompt: ctx.manager.prompt,
    memoryContext,
    agentMode: agentMode(ctx),
    cachedLines,
  });
}

/** A connected provider conversation whose events go to a (not yet attached) ReplyOutput. */
export async function openConversation(
  ctx: ChatContext,
  hooks: ReplyHooks,
  mode: LlmMode,
  useTts: boolean,
  cachedLines: string,
  strictMemory: boolean,
): Promise<{ llm: LlmSession; output: ReplyOutput }> {
  const output = new ReplyOutput(ctx, hooks);
  // The factory first: with no provider configured it refuses at once, before the memory lookup.
  const llm = await ctx.deps.llm.create({ mode, lanlanName: ctx.name }, output);
  try {
    const instructions = await sessionInstructions(ctx, cachedLines, strictMemory);
    await llm.connect(instructions, { nativeAudio: !useTts });
  } catch (err) {
    await llm.close().catch(() => undefined);
    throw err;
  }
  return { llm, output };
}

/** TTS for the session (spec §5.2 step 9): a failure is logged only, the chat goes on without voice. */
async function startSpeech(ctx: ChatContext): Promise<SpeechOutput | undefined> {
  let speech: SpeechOutput | undefined;
  try {
    speech = await ctx.deps.speech.create(
      { lanlanName: ctx.name, voiceId: ctx.manager.voiceId },
      {
        audio: (chunk, speechId) => {
          if (speechId === ctx.speechId) ctx.manager.sendAudio(chunk);
        },
      },
    );
    if (!(await speech.start())) ctx.log.warn(`TTS for ${ctx.name} did not get ready; replies may be silent`);
    return speech;
  } catch (err) {
    // Created but its start failed: it is closed, not left running without a session.
    await speech?.close().catch(() => undefined);
    ctx.log.warn(`TTS for ${ctx.name} could not start: ${errorText(err)}`);
    return undefined;
  }
}

/**
 * start_session (spec §5.2) after `session_preparing` was sent: LLM and TTS in parallel, the voice
 * warm-up, then the session is live. Returns the live session, or undefined after a failure (the
 * statuses are sent here) or when the start was cancelled meanwhile.
 */
export async function runStart(ctx: ChatContext, token: StartToken, hooks: ReplyHooks): Promise<LiveSession | undefined> {
  const mode = token.mode;
  // Text mode always speaks through our TTS; voice mode only for a custom voice (else native audio).
  const useTts = mode === 'text' || ctx.manager.voiceId !== '';
  const [speechResult, llmResult] = await Promise.allSettled([
    useTts ? startSpeech(ctx) : Promise.resolve(undefined),
    openConversation(ctx, hooks, mode, useTts, '', false),
  ]);
  const speech = speechResult.status === 'fulfilled' ? speechResult.value : undefined;
  if (llmResult.status === 'rejected' || token.cancelled) {
    await speech?.close().catch(() => undefined);
    if (llmResult.status === 'fulfilled') await llmResult.value.llm.close().catch(() => undefined);
    if (llmResult.status === 'rejected' && !token.cancelled) await reportFailure(ctx, llmResult.reason);
    return undefined;
  }
  const { llm, output } = llmResult.value;
  const live: LiveSession = { llm, output, mode, useTts, speech, startedAt: Date.now(), sessionKey: randomUUID() };
  ctx.live = live;
  ctx.conversationId = randomUUID().replaceAll('-', '');
  output.attached = true;
  ctx.micResampler = undefined;
  ctx.outResampler = undefined;
  if (mode === 'audio') {
    // Spec §5.2 step 11: one skipped response so the first real answer comes without delay.
    ctx.warmingUp = true;
    await settleWithin(llm.createResponse('', { skipped: true }), WARM_UP_TIMEOUT_MS);
    ctx.warmingUp = false;
  }
  if (token.cancelled || ctx.live !== live) return undefined;
  ctx.failures.reset();
  ctx.manager.isActive = true;
  ctx.manager.isVoiceMode = mode === 'audio';
  return live;
}

async function reportFailure(ctx: ChatContext, err: unknown): Promise<void> {
  ctx.log.warn(`session start for ${ctx.name} failed: ${errorText(err)}`);
  if (isNotConfigured(err)) {
    // Nothing to retry until the user sets a provider: one status, not counted as a failure.
    ctx.failures.recordNotConfigured();
    await ctx.status(ChatStatus.notConfigured);
    return;
  }
  const [first, second] = startFailureStatuses(err, ctx.failures.record());
  await ctx.status(first);
  await ctx.status(second);
}
