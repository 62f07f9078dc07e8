import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { extraBodyFor } from '../../shared/config/api-providers.const';
import { CharactersService } from '../../shared/config/characters.service';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { decodeDialog } from '../chat-memory/dialog-text.format';
import { MemoryServerClient } from '../clients/peer-clients.module';
import type { SessionManager } from '../sessions/session-manager';
import { SessionRegistry } from '../sessions/session-registry.service';
import { CHAT_COMPLETION, ChatCompletionError, isEndpointUsable, type ChatCompletionPort, type ChatEndpoint } from '../../shared/llm/chat-completion.port';
import { decodeScreenshot, type DecodedImage } from './screenshot-data-url.parser';
import { fillPrompt, PROACTIVE_MEMORY_PROMPT, PROACTIVE_SCREENSHOT_PROMPT, VISION_DESCRIPTION_PROMPT, VISION_USER_TEXT } from './system-prompts.const';

export interface ProactiveRequest {
  readonly lanlanName?: string;
  readonly screenshotData?: string;
}

/** Status and body in the original's shape (spec §3.10). */
export interface ProactiveAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Tunables (tests may shorten the waits). */
export const PROACTIVE_TIMING = {
  llmTimeoutMs: 10_000,
  retryWaitsMs: [1000, 2000],
  visionTimeoutMs: 30_000,
  memoryTimeoutMs: 5000,
  chunkGapMs: 50,
};
const ATTEMPTS = 3;
const CHUNK_CHARS = 10;
const MAX_MEMORY_CONTEXT = 32_000;

const answer = (status: number, body: Readonly<Record<string, unknown>>): ProactiveAnswer => ({ status, body });
const SCREENSHOT_FAILED = answer(500, { success: false, error: '截图分析失败，请检查截图格式是否正确', action: 'pass' });

/**
 * POST /api/proactive_chat: the character decides whether to speak first, from a screenshot (vision
 * tier) or from her memory of recent conversations, and if so the reply goes to the character's
 * socket. LLM: correction tier, temperature 1.1, 10 s, 3 attempts on connection/5xx/429 errors.
 */
@Injectable()
export class ProactiveChatService {
  private readonly logger = new Logger(ProactiveChatService.name);
  private readonly running = new Set<string>();

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly characters: CharactersService,
    private readonly coreConfig: CoreConfigService,
    private readonly memory: MemoryServerClient,
    @Inject(CHAT_COMPLETION) private readonly llm: ChatCompletionPort,
  ) {}

  async run(req: ProactiveRequest): Promise<ProactiveAnswer> {
    const data = await this.characters.data();
    const name = req.lanlanName || data.currentName || '';
    const mgr = this.sessions.get(name);
    if (!mgr) return answer(404, { success: false, error: `角色 ${name} 不存在` });
    // A second proactive request for the same character while one runs counts as "responding" too.
    if ((mgr.isActive && mgr.isResponding) || this.running.has(name)) {
      return answer(409, { success: false, error: 'AI正在响应中，无法主动搭话', message: '请等待当前响应完成' });
    }
    this.running.add(name);
    try {
      return await this.decide(mgr, name, data.masterName, req.screenshotData);
    } finally {
      this.running.delete(name);
    }
  }

  private async decide(mgr: SessionManager, name: string, masterName: string, screenshotData: string | undefined): Promise<ProactiveAnswer> {
    const cfg = await this.coreConfig.modelConfig('correction');
    const correction: ChatEndpoint = { model: cfg.model, apiKey: cfg.apiKey, baseUrl: cfg.baseUrl, ...(cfg.extraBody ? { extraBody: cfg.extraBody } : {}) };
    // Checked first (the original checked after the screenshot and memory steps): no point in them.
    if (!isEndpointUsable(correction)) return answer(500, { success: false, error: '纠错模型配置缺失', detail: '请在设置中配置纠错模型的model和api_key' });

    let screenshotContent: string | undefined;
    if (screenshotData) {
      const image = decodeScreenshot(screenshotData);
      // [QUIRK] the original answered 500 for a screenshot it could not read too; that is bad
      // input, so it is 400 here (same body: the UI only looks at `action: pass`). A vision model
      // failure stays 500.
      if (!image) return answer(400, SCREENSHOT_FAILED.body);
      screenshotContent = await this.describe(image, correction);
      if (!screenshotContent) return SCREENSHOT_FAILED;
    }
    const values = { lanlan_name: name, master_name: masterName, memory_context: await this.memoryContext(name), screenshot_content: screenshotContent ?? '' };
    const prompt = fillPrompt(screenshotContent !== undefined ? PROACTIVE_SCREENSHOT_PROMPT : PROACTIVE_MEMORY_PROMPT, values);

    let reply: string;
    try {
      reply = (await this.askWithRetries(mgr, correction, prompt)).trim();
    } catch (err) {
      const e = err instanceof ChatCompletionError ? err : new ChatCompletionError(String(err), 'other');
      this.logger.warn(`[${name}] proactive chat LLM failed (${e.kind}): ${e.message}`);
      if (e.kind === 'timeout') return answer(504, { success: false, error: 'AI处理超时' });
      if (e.retriable) return answer(503, { success: false, error: `AI调用失败，已重试${ATTEMPTS}次`, detail: e.message });
      return answer(500, { success: false, error: 'AI处理失败', detail: e.message });
    }
    if (reply === '' || reply.includes('[PASS]')) return answer(200, { success: true, action: 'pass', message: 'AI选择暂时不搭话' });
    if (!mgr.hasSocket) return answer(400, { success: false, error: '没有活跃的WebSocket连接，无法主动搭话。请先打开前端页面。' });
    await this.deliver(mgr, reply);
    return answer(200, { success: true, action: 'chat', message: '主动搭话已发送', lanlan_name: name });
  }

  private async askWithRetries(mgr: SessionManager, endpoint: ChatEndpoint, prompt: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.llm.complete(endpoint, [{ role: 'system', content: prompt }], { temperature: 1.1, timeoutMs: PROACTIVE_TIMING.llmTimeoutMs });
      } catch (err) {
        if (!(err instanceof ChatCompletionError) || !err.retriable || attempt >= ATTEMPTS) throw err;
        await mgr.send({ type: 'status', message: `正在重试中...（第${attempt}次）` });
        await sleep(PROACTIVE_TIMING.retryWaitsMs[attempt - 1] ?? 0);
      }
    }
  }

  /** Vision tier; its URL and key fall back to the correction tier's (spec §6.5). undefined = failed. */
  private async describe(image: DecodedImage, correction: ChatEndpoint): Promise<string | undefined> {
    const v = await this.coreConfig.modelConfig('vision');
    const extraBody = extraBodyFor(v.model);
    const endpoint: ChatEndpoint = { model: v.model, baseUrl: v.baseUrl || correction.baseUrl, apiKey: v.apiKey || correction.apiKey, ...(extraBody ? { extraBody } : {}) };
    if (!isEndpointUsable(endpoint)) return undefined;
    try {
      const text = await this.llm.complete(
        endpoint,
        [
          { role: 'system', content: VISION_DESCRIPTION_PROMPT },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:${image.mime};base64,${image.base64}` } }, { type: 'text', text: VISION_USER_TEXT }] },
        ],
        { maxTokens: 500, timeoutMs: PROACTIVE_TIMING.visionTimeoutMs },
      );
      return text.trim() || undefined;
    } catch (err) {
      this.logger.warn(`screenshot description failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /**
   * GET memory /new_dialog/<name> (5 s; any failure → ""), decoded as the chat engine does
   * (decodeDialog: plain text, or N.E.K.O.'s JSON string literal, which the original put raw into the prompt).
   */
  private async memoryContext(name: string): Promise<string> {
    try {
      const res = await this.memory.request(`/new_dialog/${encodeURIComponent(name)}`, { timeoutMs: PROACTIVE_TIMING.memoryTimeoutMs });
      if (!res.ok) return '';
      return decodeDialog(res.text).slice(-MAX_MEMORY_CONTEXT);
    } catch {
      return '';
    }
  }

  /**
   * A running chat session speaks the reply itself (`deliverProactive`: history, speech id, TTS).
   * Without one the reply is sent as the frames a text turn produces: `gemini_response` in
   * 10-character chunks (the first one starts a new bubble), then `turn end`.
   */
  private async deliver(mgr: SessionManager, reply: string): Promise<void> {
    if (mgr.deliverProactive && (await mgr.deliverProactive(reply))) return;
    const chars = Array.from(reply.replace(/<[^<>]*>/g, ''));
    for (let i = 0; i < chars.length; i += CHUNK_CHARS) {
      if (i > 0) await sleep(PROACTIVE_TIMING.chunkGapMs);
      await mgr.send({ type: 'gemini_response', text: chars.slice(i, i + CHUNK_CHARS).join(''), isNewMessage: i === 0 });
    }
    await mgr.send({ type: 'system', data: 'turn end' });
  }
}
