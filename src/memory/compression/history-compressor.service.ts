import { Inject, Injectable, Logger } from '@nestjs/common';
import { codePointLength, messageText, truncateCodePoints, type ChatMessage } from '../messages/chat-message';
import { CHAT_MODEL, ChatModelError, type ChatModelPort } from './chat-model.port';
import { furtherSummaryPrompt, parseModelJson, SUMMARY_KEY, summaryPrompt } from './memory-prompts.const';

export const MEMO_PREFIX = '先前对话的备忘录: ';
/** Marks a memo built without a language model (the brackets are stripped from prompts by /new_dialog). */
export const EXTRACTIVE_MARK = '（摘录）';
export const MAX_SUMMARY_CHARS = 500;
/** Dialogues longer than this are summarised in pieces first (map-reduce). */
const MAX_DIALOGUE_CHARS = 12_000;
const ATTEMPTS = 3;

export interface CompressionResult {
  /** The SystemMessage that replaces the compressed messages (`先前对话的备忘录: …`). */
  readonly memo: ChatMessage;
  /** The summary as stored in time_indexed_compressed. */
  readonly summary: string;
  readonly extractive: boolean;
}

export interface Names {
  readonly name: string;
  readonly master: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "label | text" lines (spec memory §3.3). */
export function renderDialogue(messages: readonly ChatMessage[], names: Names): string {
  const label = { human: names.master, ai: names.name, system: 'SYSTEM_MESSAGE' } as const;
  return messages
    .map((m) => {
      const text = typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? (p.text ?? '') : `|${p.type}|`)).join('\n');
      return `${label[m.type]} | ${text}`;
    })
    .join('\n');
}

/**
 * Summarises history with the summary model (N.E.K.O.'s compress_history, bounded), and without
 * one falls back to an extractive memo so recent memory stays bounded and nothing silently vanishes.
 */
@Injectable()
export class HistoryCompressor {
  private readonly logger = new Logger(HistoryCompressor.name);

  constructor(@Inject(CHAT_MODEL) private readonly model: ChatModelPort) {}

  async compress(messages: readonly ChatMessage[], names: Names, detailed: boolean): Promise<CompressionResult> {
    if (await this.model.isConfigured('summary')) {
      try {
        const summary = await this.summarise(renderDialogue(messages, names), detailed);
        return { memo: { type: 'system', content: MEMO_PREFIX + summary }, summary, extractive: false };
      } catch (err) {
        this.logger.warn(`summary model failed (${(err as Error).message}); keeping an extractive memo instead`);
      }
    }
    const summary = extractiveSummary(messages, names);
    return { memo: { type: 'system', content: MEMO_PREFIX + EXTRACTIVE_MARK + summary }, summary: EXTRACTIVE_MARK + summary, extractive: true };
  }

  private async summarise(dialogue: string, detailed: boolean): Promise<string> {
    if (codePointLength(dialogue) > MAX_DIALOGUE_CHARS) {
      const chars = Array.from(dialogue);
      const parts: string[] = [];
      for (let i = 0; i < chars.length; i += MAX_DIALOGUE_CHARS) parts.push(await this.ask(summaryPrompt(chars.slice(i, i + MAX_DIALOGUE_CHARS).join(''), detailed)));
      dialogue = parts.map((p, i) => `SYSTEM_MESSAGE | 第${i + 1}部分的摘要：${p}`).join('\n');
    }
    let summary = await this.ask(summaryPrompt(dialogue, detailed));
    for (let i = 0; i < ATTEMPTS && codePointLength(summary) > MAX_SUMMARY_CHARS; i++) {
      summary = await this.ask(furtherSummaryPrompt(summary)).catch(() => summary);
    }
    // Bounded where N.E.K.O. could loop forever: whatever is still too long is cut.
    return truncateCodePoints(summary, MAX_SUMMARY_CHARS);
  }

  /** One JSON answer with key 对话摘要: 3 attempts, 1 s / 2 s back-off on network, 5xx and 429 errors. */
  private async ask(prompt: string): Promise<string> {
    let lastError: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        const text = await this.model.complete('summary', [{ role: 'user', content: prompt }], { temperature: 0.3 });
        const parsed = parseModelJson(text) as Record<string, unknown>;
        const summary = parsed?.[SUMMARY_KEY];
        if (typeof summary === 'string' && summary.trim() !== '') return summary.trim();
        lastError = new Error(`answer has no "${SUMMARY_KEY}"`);
      } catch (err) {
        lastError = err;
        if (err instanceof ChatModelError && !err.retriable) break;
        if (err instanceof ChatModelError) await sleep(1000 * 2 ** attempt);
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
}

/**
 * Memo without a model: the previous memo's beginning plus the newest lines that fit in 500
 * code points, newest kept first. Deterministic and bounded.
 */
export function extractiveSummary(messages: readonly ChatMessage[], names: Names): string {
  const budget = MAX_SUMMARY_CHARS - codePointLength(EXTRACTIVE_MARK);
  const memos = messages.filter((m) => m.type === 'system' && messageText(m).startsWith(MEMO_PREFIX));
  const previous = memos.map((m) => messageText(m).slice(MEMO_PREFIX.length).replace(EXTRACTIVE_MARK, '').trim()).join(' ');
  const label = { human: names.master, ai: names.name, system: 'SYSTEM_MESSAGE' } as const;
  const lines = messages
    .filter((m) => !memos.includes(m))
    .map((m) => `${label[m.type]}: ${truncateCodePoints(messageText(m).replace(/\s+/g, ' ').trim(), 80)}`)
    .filter((l) => !l.endsWith(': '));
  const head = truncateCodePoints(previous, Math.floor(budget / 3));
  const picked: string[] = [];
  let used = codePointLength(head) + (head ? 1 : 0);
  for (let i = lines.length - 1; i >= 0; i--) {
    const cost = codePointLength(lines[i]) + 1;
    if (used + cost > budget) break;
    picked.unshift(lines[i]);
    used += cost;
  }
  return [head, ...picked].filter(Boolean).join(' / ');
}
