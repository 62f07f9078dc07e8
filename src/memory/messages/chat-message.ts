import { isPlainObject } from '../../shared/data/json-edit';

/** Internal message model (spec memory §2.2): LangChain types, content as string or text parts. */
export type MessageType = 'human' | 'ai' | 'system';
export interface TextPart {
  readonly type: string;
  readonly text?: string;
}
export interface ChatMessage {
  readonly type: MessageType;
  readonly content: string | readonly TextPart[];
}

const ROLE_TO_TYPE: Readonly<Record<string, MessageType>> = {
  user: 'human',
  human: 'human',
  assistant: 'ai',
  ai: 'ai',
  system: 'system',
};

export class InputHistoryError extends Error {}

function contentOf(raw: unknown): string | TextPart[] {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    return raw.filter(isPlainObject).map((p) => ({ ...p, type: typeof p.type === 'string' ? p.type : 'text' }));
  }
  if (raw === undefined || raw === null) return '';
  throw new InputHistoryError(`unsupported message content: ${JSON.stringify(raw).slice(0, 80)}`);
}

/**
 * Parses main's `input_history`: a JSON string (double-encoded) holding a list of OpenAI-style
 * messages `{role, content}`. Also accepts the list itself. Unknown roles are refused.
 */
export function parseInputHistory(inputHistory: unknown): ChatMessage[] {
  let list: unknown = inputHistory;
  if (typeof inputHistory === 'string') {
    try {
      list = JSON.parse(inputHistory);
    } catch (err) {
      throw new InputHistoryError(`input_history is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!Array.isArray(list)) throw new InputHistoryError('input_history must be a list of messages');
  return list.map((m, i) => {
    if (!isPlainObject(m)) throw new InputHistoryError(`message ${i} is not an object`);
    const role = typeof m.role === 'string' ? m.role : typeof m.type === 'string' ? m.type : '';
    const type = ROLE_TO_TYPE[role.toLowerCase()];
    if (!type) throw new InputHistoryError(`message ${i} has an unknown role "${role}"`);
    return { type, content: contentOf(m.content) };
  });
}

/** Text parts joined by newlines (string content as is). */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');
}

/** Reads one entry of a recent file or a time-index row: full LangChain dict, V1 simplified form, or {role, content}. */
export function fromStoredDict(raw: unknown): ChatMessage | undefined {
  if (!isPlainObject(raw)) return undefined;
  const data = isPlainObject(raw.data) ? raw.data : raw;
  const kind = typeof raw.type === 'string' ? raw.type : typeof raw.role === 'string' ? raw.role : '';
  const type = ROLE_TO_TYPE[kind.toLowerCase()];
  if (!type) return undefined;
  try {
    return { type, content: contentOf(data.content) };
  } catch {
    return undefined;
  }
}

/** The full LangChain `messages_to_dict` shape (readable by V0's browser and by V1). */
export function toStoredDict(message: ChatMessage): Record<string, unknown> {
  const data: Record<string, unknown> = {
    content: message.content,
    additional_kwargs: {},
    response_metadata: {},
    type: message.type,
    name: null,
    id: null,
  };
  if (message.type !== 'system') data.example = false;
  if (message.type === 'ai') Object.assign(data, { tool_calls: [], invalid_tool_calls: [], usage_metadata: null });
  return { type: message.type, data };
}

/** The V1 simplified `{"type", "data": {"content"}}` shape used for time-index rows. */
export function toCompactDict(message: ChatMessage): Record<string, unknown> {
  return { type: message.type, data: { content: message.content } };
}

/** Python `len` semantics: code points, not UTF-16 units. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

export function truncateCodePoints(text: string, max: number): string {
  return codePointLength(text) <= max ? text : Array.from(text).slice(0, max).join('');
}
