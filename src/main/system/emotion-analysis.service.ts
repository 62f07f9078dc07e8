import { Inject, Injectable, Logger } from '@nestjs/common';
import { extraBodyFor } from '../../shared/config/api-providers.const';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { CHAT_COMPLETION, isEndpointUsable, type ChatCompletionPort, type ChatEndpoint } from '../../shared/llm/chat-completion.port';
import { analyzeEmotionLexically, type EmotionResult } from './emotion-lexicon.analyzer';
import { parseEmotionReply } from './emotion-reply.parser';
import { EMOTION_ANALYSIS_PROMPT } from './system-prompts.const';

export interface EmotionRequest {
  readonly text: string;
  readonly apiKey?: string;
  readonly model?: string;
}

/** What /api/emotion/analysis answers (always HTTP 200). */
export type EmotionAnswer = EmotionResult | { readonly error: string; readonly emotion?: string; readonly confidence?: number };

const EMOTION_TIMEOUT_MS = 20_000;

/**
 * Emotion of the last assistant bubble (spec §3.10): the emotion tier of core_config (request
 * api_key / model override it), temperature 0.3, 100 tokens, JSON reply read tolerantly.
 */
@Injectable()
export class EmotionAnalysisService {
  private readonly logger = new Logger(EmotionAnalysisService.name);

  constructor(
    private readonly coreConfig: CoreConfigService,
    @Inject(CHAT_COMPLETION) private readonly llm: ChatCompletionPort,
  ) {}

  async analyze(req: EmotionRequest): Promise<EmotionAnswer> {
    // Nothing to read: neutral without asking a model (as later upstream versions do).
    if (req.text.trim() === '') return { emotion: 'neutral', confidence: 0.5 };
    const cfg = await this.coreConfig.modelConfig('emotion');
    const model = req.model || cfg.model;
    const extraBody = extraBodyFor(model);
    const endpoint: ChatEndpoint = { model, apiKey: req.apiKey || cfg.apiKey, baseUrl: cfg.baseUrl, ...(extraBody ? { extraBody } : {}) };
    // Our addition: with no usable endpoint (no key, no local URL) the original answered
    // "情绪分析模型配置缺失: API密钥…" and the avatar never changed expression; we guess from a
    // small zh/en lexicon instead, so the feature works offline.
    if (!isEndpointUsable({ ...endpoint, model: endpoint.model || 'any' })) return analyzeEmotionLexically(req.text);
    if (!endpoint.model) return { error: '情绪分析模型配置缺失: 模型名称未提供且配置中未设置默认模型' };
    try {
      const reply = await this.llm.complete(
        endpoint,
        [
          { role: 'system', content: EMOTION_ANALYSIS_PROMPT },
          { role: 'user', content: req.text },
        ],
        { temperature: 0.3, maxTokens: 100, timeoutMs: EMOTION_TIMEOUT_MS },
      );
      return parseEmotionReply(reply.trim());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(`emotion analysis failed: ${message}`);
      return { error: `情感分析失败: ${message}`, emotion: 'neutral', confidence: 0.0 };
    }
  }
}
