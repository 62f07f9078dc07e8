/**
 * Prompts of the per-channel assessments (spec §7.4.2 / §8.6), in our own words. Each asks one
 * channel's question and a JSON object only; the analyzer reads the answers tolerantly.
 */
import { boundLine } from '../../shared/text/bounded-text.util';
import type { ChannelAction } from '../adapters/agent-channel.port';
import type { ChatCompletionMessage } from '../llm/agent-llm.port';

/** Upper bound of the tool catalogue shown to a model. */
export const CATALOGUE_LIMIT = 8_000;
/** Per tool and per parameter description. */
const TOOL_DESCRIPTION_LIMIT = 300;
const PARAM_DESCRIPTION_LIMIT = 120;
const MAX_PARAMS = 20;


function typeOf(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return 'any';
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum)) return `one of ${boundLine(s.enum.map((v) => JSON.stringify(v)).join(', '), 80)}`;
  if (typeof s.type === 'string') return s.type === 'array' && s.items ? `array of ${typeOf(s.items)}` : s.type;
  if (Array.isArray(s.type)) return s.type.filter((t) => typeof t === 'string').join('|') || 'any';
  return 'any';
}

/** `- name: description` plus `    - param: type (required|optional) — description` lines. */
export function describeAction(action: ChannelAction): string {
  const lines = [`- ${action.name}: ${boundLine(action.description || '(no description)', TOOL_DESCRIPTION_LIMIT)}`];
  const schema = action.inputSchema ?? {};
  const props = schema.properties && typeof schema.properties === 'object' ? (schema.properties as Record<string, unknown>) : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  for (const [name, prop] of Object.entries(props).slice(0, MAX_PARAMS)) {
    const desc = prop && typeof prop === 'object' && typeof (prop as Record<string, unknown>).description === 'string' ? (prop as { description: string }).description : '';
    lines.push(`    - ${name}: ${typeOf(prop)} (${required.has(name) ? 'required' : 'optional'})${desc ? ` — ${boundLine(desc, PARAM_DESCRIPTION_LIMIT)}` : ''}`);
  }
  return lines.join('\n');
}

/** The catalogue of `actions`, cut at whole tools to stay within `limit` characters. */
export function toolCatalogue(actions: readonly ChannelAction[], limit = CATALOGUE_LIMIT): string {
  const out: string[] = [];
  const reserve = 40; // room for the "more tools" line
  let used = 0;
  for (let i = 0; i < actions.length; i++) {
    const block = describeAction(actions[i]);
    if (used + block.length + 1 > limit - reserve) {
      out.push(`- … ${actions.length - i} more tools not shown`);
      break;
    }
    out.push(block);
    used += block.length + 1;
  }
  return out.join('\n');
}

const JSON_ONLY = 'Answer with one JSON object only, no Markdown and no text around it.';

export function mcpAssessment(conversation: string, catalogue: string): ChatCompletionMessage[] {
  const system = [
    'You read the end of a conversation between a user and their AI companion and decide whether the user asked for',
    'something one of the MCP tools below can do now. Only an actual request counts (not small talk, not a question the',
    'companion can answer by itself). Pick the exact tool name as listed and arguments that follow its parameters.',
    'If the request needs several tool calls in sequence, set "multi_step": true and leave tool_name empty.',
    '',
    'Tools:',
    catalogue,
    '',
    JSON_ONLY,
    'Fields: {"has_task": boolean, "can_execute": boolean, "task_description": "what to do, in the user\'s language",',
    '"tool_name": "server/tool or empty", "tool_args": {…}, "multi_step": boolean, "reason": "one short sentence"}',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: conversation },
  ];
}

export function browserUseAssessment(conversation: string): ChatCompletionMessage[] {
  const system = [
    'You read the end of a conversation between a user and their AI companion and decide whether the user asked for',
    'a task that needs a web browser operated for them: opening web sites, searching, reading or extracting what a page',
    'shows, clicking through pages, filling in and submitting forms. Questions the companion can answer from its own',
    'knowledge, and tasks on desktop applications outside the browser, do not count.',
    '',
    JSON_ONLY,
    'Fields: {"has_task": boolean, "can_execute": boolean, "task_description": "a complete instruction for the browser',
    'agent, in the user\'s language", "reason": "one short sentence"}',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: conversation },
  ];
}

export function computerUseAssessment(conversation: string): ChatCompletionMessage[] {
  const system = [
    'You read the end of a conversation between a user and their AI companion and decide whether the user asked for',
    'a task that needs the desktop operated through its graphical interface: moving the mouse, clicking, typing,',
    'opening and using applications or system settings. Tasks that a tool or an API can do, or that only need a web',
    'page read, do not count; neither do questions the companion can answer itself.',
    '',
    JSON_ONLY,
    'Fields: {"has_task": boolean, "can_execute": boolean, "task_description": "a complete instruction for the desktop',
    'agent, in the user\'s language", "reason": "one short sentence"}',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: conversation },
  ];
}
