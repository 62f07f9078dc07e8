import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  RESULT_LIMITS,
  boundText,
  type AgentChannel,
  type AgentChannelAdapter,
  type ChannelAction,
  type ChannelRequest,
  type ChannelResult,
} from '../adapters/agent-channel.port';
import { clampTimeoutMs } from '../../shared/llm/chat-completion.port';
import { untilAborted, withinTime } from '../llm/abort.util';
import { AGENT_LLM, AgentLlmError, type AgentLlmPort } from '../llm/agent-llm.port';
import { readText, truthy } from '../../shared/llm/json-reply.util';
import { DESCRIBE_TIMEOUT_MS, readToolArgs, resolveAction } from './task-analyzer.service';
import { plannerCatalogue, plannerMessages, renderHistory, type PlanHistoryEntry } from './task-planner.prompts';

export interface PlanStepRecord {
  index: number;
  channel: AgentChannel;
  action?: string;
  instruction?: string;
  success: boolean;
  summary: string;
}

export interface PlanOutcome extends ChannelResult {
  steps: PlanStepRecord[];
}

export interface PlanRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: { stage: string; message?: string; step?: number; step_total?: number }) => void;
  maxSteps?: number;
  timeoutMs?: number;
  /** The user's own words behind the plan (ChannelRequest.userRequest), copied into every step request. */
  userRequest?: string;
}

export const PLAN_DEFAULTS = { maxSteps: 6, timeoutMs: 180_000 } as const;
const MAX_STEPS_CAP = 20;
/** Longest plan a caller may ask for (a larger timeoutMs is clamped; setTimeout cannot wait past 2^31−1 ms). */
export const MAX_PLAN_TIMEOUT_MS = 30 * 60_000;
/** Consecutive answers that were no JSON or no valid step before the plan is given up. */
export const MAX_INVALID_ANSWERS = 2;
const INSTRUCTION_LIMIT = 2_000;
const FREE_CHANNELS: readonly AgentChannel[] = ['browser_use', 'computer_use'];

type Next =
  | { kind: 'done'; answer: string; failed: boolean }
  | { kind: 'step'; channel: AgentChannel; request: ChannelRequest; what: string }
  | { kind: 'invalid'; why: string };

/**
 * Multi-step tasks: each round one summary-tier JSON call picks the next step (or finishes), the step runs
 * on its channel, and its result feeds the next round. Stops on done, maxSteps (a partial result with what
 * was gathered), the time limit, cancellation, or two unusable answers in a row. Never throws.
 * Success needs the model's "done" with an answer and at least one successful step: a "done" without any
 * successful step is reported as not achieved (the character must not claim work that never happened).
 */
@Injectable()
export class TaskPlannerService {
  private readonly logger = new Logger('TaskPlanner');
  /** Longest wait for the MCP channel's describe() (tests shorten it). */
  describeTimeoutMs = DESCRIBE_TIMEOUT_MS;

  constructor(@Inject(AGENT_LLM) private readonly llm: AgentLlmPort) {}

  async run(goal: string, channels: readonly AgentChannelAdapter[], options: PlanRunOptions = {}): Promise<PlanOutcome> {
    const maxSteps = Math.min(MAX_STEPS_CAP, Math.max(1, Math.floor(options.maxSteps ?? PLAN_DEFAULTS.maxSteps)));
    const timeoutMs = clampTimeoutMs(options.timeoutMs, PLAN_DEFAULTS.timeoutMs, MAX_PLAN_TIMEOUT_MS);
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    const onAbort = () => ctrl.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) ctrl.abort();
    const steps: PlanStepRecord[] = [];
    const history: PlanHistoryEntry[] = [];
    try {
      return await this.loop(goal, channels, { ...options, maxSteps }, ctrl.signal, steps, history, () =>
        timedOut ? `timed out after ${timeoutMs} ms` : 'cancelled',
      );
    } catch (err) {
      this.logger.error(`plan failed unexpectedly: ${(err as Error).message}`);
      return unfinished('the plan failed', history, steps, (err as Error).message);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async loop(
    goal: string,
    channels: readonly AgentChannelAdapter[],
    options: PlanRunOptions & { maxSteps: number },
    signal: AbortSignal,
    steps: PlanStepRecord[],
    history: PlanHistoryEntry[],
    stopReason: () => string,
  ): Promise<PlanOutcome> {
    const { maxSteps } = options;
    const stopped = () => unfinished(`plan stopped: ${stopReason()}`, history, steps, stopReason());
    if (typeof goal !== 'string' || goal.trim() === '') return unfinished('the plan has no goal', history, steps, 'empty goal');
    const byChannel = new Map<AgentChannel, AgentChannelAdapter>();
    for (const a of channels) if (!byChannel.has(a.channel)) byChannel.set(a.channel, a);
    const mcp = byChannel.get('mcp');
    let mcpActions: ChannelAction[] = [];
    let mcpProblem = '';
    if (mcp) {
      try {
        mcpActions = (await withinTime(mcp.describe(), this.describeTimeoutMs, 'listing the MCP tools', signal)).actions;
      } catch (err) {
        if (signal.aborted) return stopped();
        // The other channels may still reach the goal; the plan goes on without MCP tools.
        mcpProblem = boundText((err as Error).message, 200);
        this.logger.warn(`plan without MCP tools: ${mcpProblem}`);
      }
    }
    const free = FREE_CHANNELS.filter((c) => byChannel.has(c));
    if (mcpActions.length === 0 && free.length === 0) {
      return unfinished('no channel can run this plan', history, steps, mcpProblem ? `no channel available (${mcpProblem})` : 'no channel available');
    }
    const catalogue = plannerCatalogue(mcpActions, free);
    let invalid = 0;
    let note: string | undefined;
    for (;;) {
      if (signal.aborted) return stopped();
      if (steps.length >= maxSteps) {
        return unfinished(`stopped after ${maxSteps} steps`, history, steps, `the goal was not reached within ${maxSteps} steps`);
      }
      let next: Next;
      try {
        const messages = plannerMessages({ goal, catalogue, history: renderHistory(history), step: steps.length + 1, maxSteps, note });
        const raw = await this.llm.completeJson('summary', messages, { temperature: 0, maxTokens: 600, signal });
        next = readNext(raw, mcpActions, free, options.userRequest);
      } catch (err) {
        if (signal.aborted || (err instanceof AgentLlmError && err.kind === 'aborted')) return stopped();
        if (!(err instanceof AgentLlmError) || err.kind !== 'parse') {
          return unfinished('the planner model failed', history, steps, `planner model failed: ${(err as Error).message}`);
        }
        next = { kind: 'invalid', why: 'the reply was not JSON' };
      }
      if (next.kind === 'invalid') {
        invalid++;
        this.logger.warn(`unusable planner answer (${invalid}/${MAX_INVALID_ANSWERS}): ${next.why}`);
        if (invalid >= MAX_INVALID_ANSWERS) return unfinished('the planner gave no usable answer', history, steps, `unusable planner answers: ${next.why}`);
        note = next.why;
        continue;
      }
      invalid = 0;
      note = undefined;
      if (next.kind === 'done') return finish(next, history, steps);
      await this.step(next, byChannel, options, signal, steps, history);
    }
  }

  private async step(
    next: Extract<Next, { kind: 'step' }>,
    byChannel: ReadonlyMap<AgentChannel, AgentChannelAdapter>,
    options: PlanRunOptions & { maxSteps: number },
    signal: AbortSignal,
    steps: PlanStepRecord[],
    history: PlanHistoryEntry[],
  ): Promise<void> {
    const index = steps.length + 1;
    const step_total = options.maxSteps;
    const message = boundText(`${next.channel} ${next.what}`, 200);
    this.logger.log(`plan step ${index}/${step_total}: ${message}`);
    options.onProgress?.({ stage: 'plan_step', step: index, step_total, message });
    const adapter = byChannel.get(next.channel);
    let result: ChannelResult;
    try {
      // Raced against the signal as well: the plan's time limit holds even if a channel ignores it.
      result = adapter
        ? await untilAborted(
            adapter.execute(next.request, { signal, onProgress: (p) => options.onProgress?.({ stage: p.stage, message: p.message, step: index, step_total }) }),
            signal,
          )
        : { success: false, summary: '', detail: '', error: `channel ${next.channel} is not available` };
    } catch (err) {
      result = { success: false, summary: '', detail: '', error: (err as Error).message };
    }
    const text = result.success ? [result.summary, result.detail].filter(Boolean).join('\n') : `${result.error ?? 'failed'}${result.detail ? `\n${result.detail}` : ''}`;
    steps.push({
      index,
      channel: next.channel,
      ...(next.request.action !== undefined ? { action: next.request.action } : {}),
      ...(next.request.instruction !== undefined ? { instruction: next.request.instruction } : {}),
      success: result.success,
      summary: boundText(result.success ? result.summary || 'done' : result.error || 'failed', RESULT_LIMITS.summary),
    });
    history.push({ index, channel: next.channel, what: next.what, success: result.success, text });
  }
}

/** The model's next move; step requests carry the user's words only (`userRequest`), never model-written text as such. */
function readNext(raw: unknown, mcpActions: readonly ChannelAction[], free: readonly AgentChannel[], userRequest?: string): Next {
  const user = userRequest ? { userRequest } : {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { kind: 'invalid', why: 'the reply must be one JSON object' };
  const r = raw as Record<string, unknown>;
  if (truthy(r.done)) return { kind: 'done', answer: readText(r.answer) || readText(r.result), failed: truthy(r.failed) };
  const channel = (readText(r.channel) || (r.action !== undefined ? 'mcp' : '')).toLowerCase();
  if (channel === 'mcp') {
    const name = readText(r.action) || readText(r.tool_name);
    const action = resolveAction(name, mcpActions);
    if (!action) return { kind: 'invalid', why: `unknown MCP action "${boundText(name, 80)}"; use a tool name exactly as listed` };
    const args = readToolArgs(r.args ?? r.tool_args);
    if (!args) return { kind: 'invalid', why: '"args" must be a JSON object' };
    return { kind: 'step', channel: 'mcp', request: { action, args, ...user }, what: `${action} ${boundText(JSON.stringify(args), 200)}` };
  }
  const freeChannel = free.find((c) => c === channel);
  if (freeChannel) {
    const instruction = boundText(readText(r.instruction), INSTRUCTION_LIMIT);
    if (!instruction) return { kind: 'invalid', why: `"${freeChannel}" needs an "instruction"` };
    return { kind: 'step', channel: freeChannel, request: { instruction, ...user }, what: boundText(instruction, 200) };
  }
  return { kind: 'invalid', why: `unknown channel "${boundText(channel, 40)}"` };
}

function finish(done: Extract<Next, { kind: 'done' }>, history: readonly PlanHistoryEntry[], steps: PlanStepRecord[]): PlanOutcome {
  const succeeded = steps.filter((s) => s.success);
  const answer = done.answer || succeeded[succeeded.length - 1]?.summary || '';
  if (!done.failed && answer && succeeded.length > 0) {
    return { success: true, summary: boundText(answer, RESULT_LIMITS.summary), detail: boundText(answer, RESULT_LIMITS.detail), steps };
  }
  const error = done.failed ? answer || 'the goal cannot be reached' : succeeded.length === 0 ? 'no step of the plan succeeded' : 'the planner gave no answer';
  return unfinished(answer || error, history, steps, error);
}

/** A result that did not reach the goal: the detail holds what the steps gathered (so `partial` when any). */
function unfinished(summary: string, history: readonly PlanHistoryEntry[], steps: PlanStepRecord[], error: string): PlanOutcome {
  const gathered = history
    .filter((h) => h.success)
    .map((h) => `${h.index}. ${h.channel} ${h.what}: ${h.text}`)
    .join('\n');
  return {
    success: false,
    summary: boundText(summary, RESULT_LIMITS.summary),
    detail: boundText(gathered, RESULT_LIMITS.detail),
    error: boundText(error, RESULT_LIMITS.error),
    steps,
  };
}
