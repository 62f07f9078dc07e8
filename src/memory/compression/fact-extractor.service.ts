import { Inject, Injectable, Logger } from '@nestjs/common';
import { codePointLength, type ChatMessage } from '../messages/chat-message';
import { CHAT_MODEL, type ChatModelPort } from './chat-model.port';
import { renderDialogue, type Names } from './history-compressor.service';
import { factsPrompt, FACTS_KEY, parseModelJson } from './memory-prompts.const';

const MAX_FACTS = 10;
const MAX_FACT_CHARS = 200;

/**
 * Durable facts about the user ("阿明的猫叫麻薯") extracted by the summary model after a session,
 * so that they are recalled as memories of their own. Without a model nothing is extracted.
 */
@Injectable()
export class FactExtractor {
  private readonly logger = new Logger(FactExtractor.name);

  constructor(@Inject(CHAT_MODEL) private readonly model: ChatModelPort) {}

  async extract(messages: readonly ChatMessage[], names: Names, known: ReadonlySet<string>): Promise<string[]> {
    if (messages.length === 0 || !(await this.model.isConfigured('summary'))) return [];
    try {
      const text = await this.model.complete('summary', [{ role: 'user', content: factsPrompt(names.master, names.name, renderDialogue(messages, names)) }], { temperature: 0.2 });
      const list = (parseModelJson(text) as Record<string, unknown>)?.[FACTS_KEY];
      if (!Array.isArray(list)) return [];
      const facts = list
        .filter((f): f is string => typeof f === 'string')
        .map((f) => f.trim())
        .filter((f) => f !== '' && codePointLength(f) <= MAX_FACT_CHARS && !known.has(normalise(f)));
      return [...new Set(facts)].slice(0, MAX_FACTS);
    } catch (err) {
      this.logger.warn(`fact extraction failed: ${(err as Error).message}`);
      return [];
    }
  }
}

/** Comparison form of a fact (case, spaces and final punctuation ignored). */
export function normalise(fact: string): string {
  return fact.normalize('NFKC').toLowerCase().replace(/\s+/g, '').replace(/[。.!！]+$/, '');
}
