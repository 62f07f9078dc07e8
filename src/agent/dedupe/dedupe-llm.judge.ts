import { boundLine } from '../../shared/text/bounded-text.util';
import type { AgentLlmPort, ChatCompletionMessage } from '../llm/agent-llm.port';
import { truthy } from '../../shared/llm/json-reply.util';
import { JUDGE_TIMEOUT_MS, type DuplicateJudge } from './task.deduper';

/** Each description shown to the judge is cut to this many characters (code points). */
export const JUDGE_TEXT_LIMIT = 600;
/** The id the existing task carries in the prompt (the deduper asks about one pair at a time). */
export const EXISTING_TASK_ID = 'existing';

const SYSTEM =
  'You are a careful deduplication judge for an assistant that runs tasks for its user. ' +
  'You compare a new task with tasks that are already queued or running and reply with JSON only.';

/** The prompt of spec §7.5, in our words: same goal or strict subset, ignoring wording. */
export function judgeMessages(candidate: string, existing: string): ChatCompletionMessage[] {
  const user = [
    'New task:',
    boundLine(candidate, JUDGE_TEXT_LIMIT),
    '',
    'Existing tasks:',
    `- id=${EXISTING_TASK_ID}: ${boundLine(existing, JUDGE_TEXT_LIMIT)}`,
    '',
    'Is the new task a duplicate, i.e. does it have the same goal as one existing task, or is it a strict part of one?',
    'Ignore wording, word order, politeness and language. Different targets, places, times, quantities or extra steps',
    'make it a different task.',
    'Reply with a JSON array only: [matched_id_or_null, duplicate_boolean], e.g. ["existing", true] or [null, false].',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

/** `[id, bool]` or `{duplicate, matched_id}`; anything else is not a duplicate. */
export function readJudgeVerdict(reply: unknown): boolean {
  if (Array.isArray(reply)) return reply.length === 2 && truthy(reply[1]);
  if (reply && typeof reply === 'object') return truthy((reply as Record<string, unknown>).duplicate);
  return false;
}

/**
 * The deduper's judge over the summary model (temperature 0, one attempt: the deduper waits only
 * JUDGE_TIMEOUT_MS, so retries could never be used). The call ends when the deduper's `signal` fires
 * or after JUDGE_TIMEOUT_MS, whichever comes first. A failed call rejects, so the deduper counts it as a
 * judge failure (and as "not a duplicate"); an unreadable answer is simply "no".
 */
export function createLlmDuplicateJudge(llm: AgentLlmPort): DuplicateJudge {
  return async (candidate, existing, signal) => {
    const limit = AbortSignal.timeout(JUDGE_TIMEOUT_MS);
    let reply: unknown;
    try {
      reply = await llm.completeJson('summary', judgeMessages(candidate, existing), {
        temperature: 0,
        maxTokens: 300,
        timeoutMs: JUDGE_TIMEOUT_MS,
        attempts: 1,
        signal: signal ? AbortSignal.any([signal, limit]) : limit,
      });
    } catch (err) {
      if ((err as { kind?: string }).kind === 'parse') return false;
      throw err;
    }
    return readJudgeVerdict(reply);
  };
}
