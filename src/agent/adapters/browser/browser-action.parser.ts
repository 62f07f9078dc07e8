/**
 * The action vocabulary of the browser-use model and a strict reader of its JSON replies. A reply
 * that does not fit is not fatal: the error text goes back to the model as the outcome of its step.
 */
import { isPlainObject } from '../../../shared/data/json-edit';
import { readText } from '../../../shared/llm/json-reply.util';

export type BrowserAction =
  | { readonly action: 'navigate'; readonly url: string }
  | { readonly action: 'click'; readonly index: number }
  | { readonly action: 'type'; readonly index: number; readonly text: string; readonly submit: boolean }
  | { readonly action: 'select'; readonly index: number; readonly value: string }
  | { readonly action: 'scroll'; readonly direction: 'down' | 'up' }
  | { readonly action: 'extract'; readonly text?: string }
  | { readonly action: 'back' }
  | { readonly action: 'done'; readonly result: string; readonly success: boolean }
  | { readonly action: 'fail'; readonly reason: string };

export const ACTION_NAMES = ['navigate', 'click', 'type', 'select', 'scroll', 'extract', 'back', 'done', 'fail'] as const;

export const ACTION_LIMITS = { perReply: 3, url: 2048, typedText: 2000, value: 200, result: 4000 } as const;

export type ParsedReply = { readonly ok: true; readonly actions: BrowserAction[]; readonly note?: string } | { readonly ok: false; readonly error: string };

/** `{"action": …}`, `{"actions": [ … ]}` or a bare array; at most ACTION_LIMITS.perReply actions run. */
export function parseActionReply(reply: unknown): ParsedReply {
  let items: unknown[];
  if (Array.isArray(reply)) items = reply;
  else if (isPlainObject(reply) && Array.isArray(reply.actions)) items = reply.actions;
  else if (isPlainObject(reply)) items = [reply];
  else return { ok: false, error: 'the reply must be a JSON object like {"action": "click", "index": 3}' };
  if (items.length === 0) return { ok: false, error: 'the reply held no action' };
  const actions: BrowserAction[] = [];
  for (const [i, item] of items.slice(0, ACTION_LIMITS.perReply).entries()) {
    const parsed = parseAction(item);
    if (typeof parsed === 'string') return { ok: false, error: items.length > 1 ? `action ${i + 1}: ${parsed}` : parsed };
    actions.push(parsed);
  }
  const note = items.length > ACTION_LIMITS.perReply ? `only the first ${ACTION_LIMITS.perReply} actions were run` : undefined;
  return note ? { ok: true, actions, note } : { ok: true, actions };
}

/** One action, or the reason it is invalid. */
export function parseAction(item: unknown): BrowserAction | string {
  if (!isPlainObject(item)) return 'each action must be a JSON object';
  const name = typeof item.action === 'string' ? item.action.trim().toLowerCase() : '';
  switch (name) {
    case 'navigate': {
      const url = readText(item.url);
      if (!url) return 'navigate needs "url"';
      if (url.length > ACTION_LIMITS.url) return `the url is longer than ${ACTION_LIMITS.url} characters`;
      return { action: 'navigate', url };
    }
    case 'click':
      return withIndex(name, item, (index) => ({ action: 'click', index }));
    case 'type': {
      if (typeof item.text !== 'string' && typeof item.text !== 'number') return 'type needs "text"';
      const text = String(item.text);
      if (text.length > ACTION_LIMITS.typedText) return `the text is longer than ${ACTION_LIMITS.typedText} characters`;
      return withIndex(name, item, (index) => ({ action: 'type', index, text, submit: item.submit === true }));
    }
    case 'select': {
      const value = readText(item.value ?? item.option);
      if (!value) return 'select needs "value" (an option value or its visible text)';
      return withIndex(name, item, (index) => ({ action: 'select', index, value: value.slice(0, ACTION_LIMITS.value) }));
    }
    case 'scroll':
      return { action: 'scroll', direction: readText(item.direction).toLowerCase() === 'up' ? 'up' : 'down' };
    case 'extract': {
      const text = readText(item.text);
      return text ? { action: 'extract', text: text.slice(0, ACTION_LIMITS.result) } : { action: 'extract' };
    }
    case 'back':
      return { action: 'back' };
    case 'done':
      return { action: 'done', result: readText(item.result ?? item.text).slice(0, ACTION_LIMITS.result), success: item.success !== false };
    case 'fail':
      return { action: 'fail', reason: readText(item.reason ?? item.result).slice(0, ACTION_LIMITS.result) || 'the model gave up' };
    default:
      return `unknown action "${name.slice(0, 40)}"; use one of ${ACTION_NAMES.join(', ')}`;
  }
}

/**
 * Only http(s) pages and about:blank (file: URLs when allowed). A bare host gets https://, a bare
 * localhost or IP address http:// (local devices rarely have certificates). Which hosts may be
 * opened is decided later by the host policy (browser-url.policy.ts). Returns the URL or an error.
 */
export function checkUrl(raw: string, allowFileUrls: boolean): { url: string } | { error: string } {
  const text = raw.trim();
  if (text === 'about:blank') return { url: text };
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^/:]+:\d+(\/|$)/.test(text);
  const host = /^(\[[0-9a-f:.]+\]|[^/:?#]+)/i.exec(text)?.[1] ?? '';
  const local = /^(localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i.test(host);
  const withScheme = hasScheme ? text : `${local ? 'http' : 'https'}://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { error: `"${text.slice(0, 100)}" is not a valid URL` };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:' || (allowFileUrls && url.protocol === 'file:')) return { url: url.href };
  return { error: `${url.protocol} URLs are not allowed; only http and https pages can be opened` };
}

function withIndex(name: string, item: Record<string, unknown>, make: (index: number) => BrowserAction): BrowserAction | string {
  const raw = item.index ?? item.element;
  const index = typeof raw === 'number' ? raw : Number(readText(raw).replace(/[[\]\s]/g, '') || NaN);
  if (!Number.isInteger(index) || index < 1 || index > 1_000_000) return `${name} needs "index": the number of an element in the snapshot`;
  return make(index);
}
