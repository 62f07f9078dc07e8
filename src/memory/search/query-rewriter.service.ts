import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHAT_MODEL, type ChatModelPort } from '../compression/chat-model.port';
import { parseModelJson } from '../compression/memory-prompts.const';
import { tokenize } from './tokenizer';

const KEYWORDS_KEY = '关键词';
const TIMEOUT_MS = 3000;
const CACHE_SIZE = 200;

function keywordsPrompt(query: string): string {
  return `为了在聊天记忆里检索下面这个问题的答案，请给出 5 到 10 个检索用的关键词：问题里的关键概念、它们的同义词和近义说法、上位或下位的具体词（例如“宠物”→“狗”“猫”），中文和英文各写一些。\n\n问题：${query}\n\n只输出一个 JSON 对象：{"${KEYWORDS_KEY}": ["词1", "词2"]}。`;
}

/**
 * Semantic query expansion by the summary model, for when no embedding model is available:
 * the model names the concepts, synonyms and narrower words a memory might use instead of the
 * question's own words. Bounded by a 3 s timeout and cached; any failure means no expansion.
 */
@Injectable()
export class QueryRewriter {
  private readonly logger = new Logger(QueryRewriter.name);
  private readonly cache = new Map<string, string[]>();

  constructor(@Inject(CHAT_MODEL) private readonly model: ChatModelPort) {}

  async expand(query: string): Promise<string[]> {
    const cached = this.cache.get(query);
    if (cached) return cached;
    if (!(await this.model.isConfigured('summary'))) return [];
    let terms: string[] = [];
    try {
      const text = await this.model.complete('summary', [{ role: 'user', content: keywordsPrompt(query) }], { temperature: 0, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const list = (parseModelJson(text) as Record<string, unknown>)?.[KEYWORDS_KEY];
      if (Array.isArray(list)) terms = [...new Set(list.filter((k): k is string => typeof k === 'string').slice(0, 20).flatMap((k) => tokenize(k)))];
    } catch (err) {
      this.logger.debug(`query expansion skipped: ${(err as Error).message}`);
    }
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(query, terms);
    return terms;
  }
}
