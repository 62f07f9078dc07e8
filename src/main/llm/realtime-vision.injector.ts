import type { Logger } from '@nestjs/common';
import { VISION_DESCRIPTION_PROMPT, VISION_USER_TEXT } from '../system/system-prompts.const';
import type { ChatCompletionPort, ChatEndpoint } from '../../shared/llm/chat-completion.port';

/** What the model is told while the first description is still being made. */
export const VISION_PENDING_TEXT = '[用户的实时屏幕截图或相机画面正在分析中。]';
const VISION_TIMEOUT_MS = 30_000;

/**
 * StepFun / free realtime have no image input (spec §6.4): the frames the user shows are described
 * by the vision model instead, and once per user turn the latest description goes into the
 * conversation as a user text item. One description at a time; frames arriving meanwhile are skipped.
 */
export class RealtimeVisionInjector {
  private description = VISION_PENDING_TEXT;
  private analysing = false;
  private injected = false;
  private stopped = false;

  constructor(
    private readonly chat: ChatCompletionPort,
    private readonly endpoint: ChatEndpoint,
    private readonly logger: Logger,
  ) {}

  /** The user started a new turn: the next frame injects the description again. */
  newTurn(): void {
    this.injected = false;
  }

  /** A frame while the user speaks; `inject` sends a user text item. */
  onImage(jpegBase64: string, inject: (text: string) => void): void {
    if (this.stopped) return;
    if (!this.injected) {
      this.injected = true;
      inject(this.description);
    }
    if (this.analysing) return;
    this.analysing = true;
    this.chat
      .complete(
        this.endpoint,
        [
          { role: 'system', content: VISION_DESCRIPTION_PROMPT },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpegBase64}` } }, { type: 'text', text: VISION_USER_TEXT }] },
        ],
        { maxTokens: 500, timeoutMs: VISION_TIMEOUT_MS },
      )
      .then((text) => {
        if (text.trim()) this.description = `[用户的实时屏幕截图或相机画面]: ${text.trim()}`;
      })
      .catch((e: unknown) => this.logger.warn(`realtime image description failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.analysing = false;
      });
  }

  stop(): void {
    this.stopped = true;
  }
}
