import { Inject, Injectable, Logger } from '@nestjs/common';
import { boundCodePoints } from '../../shared/text/bounded-text.util';
import type { AgentChannel, AgentChannelAdapter, ChannelAction, ChannelRequest } from '../adapters/agent-channel.port';
import { withinTime } from '../llm/abort.util';
import { AGENT_LLM, AgentLlmError, type AgentLlmPort, type ChatCompletionMessage } from '../llm/agent-llm.port';
import { readText, truthy } from '../../shared/llm/json-reply.util';
import { browserUseAssessment, computerUseAssessment, mcpAssessment, toolCatalogue } from './task-analyzer.prompts';

export interface AnalyzeInput {
  lanlan_name: string;
  messages: readonly { role: 'user' | 'assistant'; text: string }[];
}

export interface TaskDecision {
  channel: AgentChannel;
  description: string;
  request: ChannelRequest;
  plan: boolean;
  reason: string;
}

export interface AnalysisOutcome {
  decision: TaskDecision | null;
  /** Per-channel reasons: "MCP: … | BrowserUse: … | ComputerUse: …". */
  reason: string;
  /** Assessments that failed (model errors, unusable answers), one message each. */
  errors: string[];
}

/** Decision priority among the channels (spec §8.6 order for BU/CU, with our MCP channel first as in V0). */
export const CHANNEL_PRIORITY: readonly AgentChannel[] = ['mcp', 'browser_use', 'computer_use'];
const LABEL: Record<AgentChannel, string> = { mcp: 'MCP', browser_use: 'BrowserUse', computer_use: 'ComputerUse' };
/** Messages of the conversation shown to the model, and the size of each. */
export const MAX_MESSAGES = 10;
const MESSAGE_LIMIT = 2_000;
const DESCRIPTION_LIMIT = 500;
const REASON_LIMIT = 300;
const MAX_TOKENS: Record<AgentChannel, number> = { mcp: 600, browser_use: 400, computer_use: 400 };
/** Longest wait for the MCP channel's describe() in the analyzer and the planner (a hung server must not hold them). */
export const DESCRIBE_TIMEOUT_MS = 20_000;

interface Assessment {
  channel: AgentChannel;
  decision: TaskDecision | null;
  reason: string;
  error?: string;
}

/** `LATEST_USER_REQUEST: …` then the last 10 non-empty messages as `role: text` (spec §8.6); '' without a user text. */
export function renderConversation(messages: AnalyzeInput['messages']): string {
  const latest = latestUserText(messages);
  if (!latest) return '';
  const lines = usableMessages(messages)
    .slice(-MAX_MESSAGES)
    .map((m) => `${m.role}: ${boundCodePoints(m.text.trim(), MESSAGE_LIMIT)}`);
  return `LATEST_USER_REQUEST: ${latest}\n\n${lines.join('\n')}`;
}

/** The last non-empty user text (bounded), '' when there is none. */
export function latestUserText(messages: AnalyzeInput['messages']): string {
  const latest = [...usableMessages(messages)].reverse().find((m) => m.role === 'user');
  return latest ? boundCodePoints(latest.text.trim(), MESSAGE_LIMIT) : '';
}

function usableMessages(messages: AnalyzeInput['messages']): AnalyzeInput['messages'] {
  return messages.filter((m) => typeof m?.text === 'string' && m.text.trim() !== '' && (m.role === 'user' || m.role === 'assistant'));
}

/** `tool_args` as an object: an object, a JSON text of one, or absent ({}); undefined when unusable. */
export function readToolArgs(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null || v === '') return {};
  let value: unknown = v;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The catalogue's action for `name`: exact, case-insensitive, or a bare tool name that only one server has. */
export function resolveAction(name: string, actions: readonly ChannelAction[]): string | undefined {
  if (!name) return undefined;
  const exact = actions.find((a) => a.name === name) ?? actions.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (exact) return exact.name;
  const bare = actions.filter((a) => a.name.toLowerCase().endsWith(`/${name.toLowerCase()}`));
  return bare.length === 1 ? bare[0].name : undefined;
}

/**
 * Decides what, if anything, the conversation asks the agent to do: one summary-tier JSON assessment per
 * channel passed in (the enabled and ready ones), in parallel; the highest-priority executable one wins.
 */
@Injectable()
export class TaskAnalyzerService {
  private readonly logger = new Logger('TaskAnalyzer');
  /** Longest wait for the MCP channel's describe() (tests shorten it). */
  describeTimeoutMs = DESCRIBE_TIMEOUT_MS;

  constructor(@Inject(AGENT_LLM) private readonly llm: AgentLlmPort) {}

  async analyze(input: AnalyzeInput, channels: readonly AgentChannelAdapter[], signal?: AbortSignal): Promise<AnalysisOutcome> {
    const conversation = renderConversation(input.messages ?? []);
    if (!conversation) return { decision: null, reason: 'no user request', errors: [] };
    const adapters = CHANNEL_PRIORITY.map((c) => channels.find((a) => a.channel === c)).filter((a): a is AgentChannelAdapter => a !== undefined);
    if (adapters.length === 0) return { decision: null, reason: 'no channel available', errors: [] };
    const fallback = latestUserText(input.messages ?? []);
    const assessments = await Promise.all(adapters.map((a) => this.assess(a, conversation, fallback, signal)));
    const decision = assessments.find((a) => a.decision)?.decision ?? null;
    const reason = assessments.map((a) => `${LABEL[a.channel]}: ${a.reason}`).join(' | ');
    const errors = assessments.flatMap((a) => (a.error ? [a.error] : []));
    this.logger.log(
      `analysis for ${input.lanlan_name}: ${decision ? `${decision.channel}${decision.plan ? ' (plan)' : ''} "${boundCodePoints(decision.description, 80)}"` : 'no task'} — ${boundCodePoints(reason, 400)}`,
    );
    return { decision, reason, errors };
  }

  private async assess(adapter: AgentChannelAdapter, conversation: string, fallback: string, signal?: AbortSignal): Promise<Assessment> {
    const channel = adapter.channel;
    try {
      let messages: ChatCompletionMessage[];
      let actions: ChannelAction[] = [];
      if (channel === 'mcp') {
        actions = (await withinTime(adapter.describe(), this.describeTimeoutMs, 'listing the MCP tools', signal)).actions;
        if (actions.length === 0) return { channel, decision: null, reason: 'no tools available' };
        messages = mcpAssessment(conversation, toolCatalogue(actions));
      } else {
        messages = channel === 'browser_use' ? browserUseAssessment(conversation) : computerUseAssessment(conversation);
      }
      const raw = await this.llm.completeJson('summary', messages, { temperature: 0, maxTokens: MAX_TOKENS[channel], signal });
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AgentLlmError('the answer is not a JSON object', 'parse');
      return read(channel, raw as Record<string, unknown>, actions, fallback);
    } catch (err) {
      if (signal?.aborted || (err instanceof AgentLlmError && err.kind === 'aborted')) return { channel, decision: null, reason: 'cancelled' };
      const message = boundCodePoints(err instanceof Error ? err.message : String(err), REASON_LIMIT);
      this.logger.warn(`${LABEL[channel]} assessment failed: ${message}`);
      return { channel, decision: null, reason: `Assessment error: ${message}`, error: `${LABEL[channel]} assessment failed: ${message}` };
    }
  }
}

function read(channel: AgentChannel, r: Record<string, unknown>, actions: readonly ChannelAction[], fallback: string): Assessment {
  const hasTask = truthy(r.has_task);
  const reason = boundCodePoints(readText(r.reason) || (hasTask ? 'task found' : 'no task'), REASON_LIMIT);
  if (!hasTask) return { channel, decision: null, reason };
  if (!truthy(r.can_execute)) return { channel, decision: null, reason: `${reason} (cannot execute)` };
  const description = boundCodePoints(readText(r.task_description) || fallback, DESCRIPTION_LIMIT);
  // The user's own words travel with the request: only they may name local hosts for the browser (never the
  // model-written description), and a plan hands them to every step it builds.
  const userRequest = fallback ? { userRequest: fallback } : {};
  const planned = (): Assessment => ({ channel, reason, decision: { channel, description, request: { instruction: description, ...userRequest }, plan: true, reason } });
  if (channel !== 'mcp') return { channel, reason, decision: { channel, description, request: { instruction: description, ...userRequest }, plan: false, reason } };
  if (truthy(r.multi_step)) return planned();
  const name = readText(r.tool_name);
  const action = resolveAction(name, actions);
  if (!action) return { channel, decision: null, reason: `${reason} (${name ? `unknown tool "${boundCodePoints(name, 80)}"` : 'no tool name'})` };
  const args = readToolArgs(r.tool_args);
  if (!args) return { channel, decision: null, reason: `${reason} (tool_args is not a JSON object)` };
  return { channel, reason, decision: { channel, description, request: { action, args, ...userRequest }, plan: false, reason } };
}
