import { Inject, Injectable, Optional } from '@nestjs/common';
import { RUNTIME_ENV } from '../../shared/config/config.tokens';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { ModelApiConfig } from '../../shared/config/core-config.derive';
import type { RuntimeEnv } from '../../shared/config/env.schema';
import { CHAT_COMPLETION, isEndpointUsable, type ChatCompletionPort, type ChatEndpoint } from '../../shared/llm/chat-completion.port';
import { LlmError, type LlmSession, type LlmSessionEvents, type LlmSessionFactory, type LlmSessionRequest } from './llm-session.port';
import { OpenAiTextSession } from './openai-text.session';
import { dialectFor } from './realtime.dialect';
import { RealtimeSession } from './realtime.session';

const VOICE_NEEDS_REALTIME =
  'voice mode needs a realtime provider: choose one as the core API (Qwen, OpenAI, StepFun, free) or set a custom realtime (omni) endpoint; the local provider only serves text mode';

const toEndpoint = (c: ModelApiConfig): ChatEndpoint => ({ model: c.model, apiKey: c.apiKey, baseUrl: c.baseUrl, ...(c.extraBody ? { extraBody: c.extraBody } : {}) });

function describe(c: ModelApiConfig): string {
  return `model "${c.model || '(none)'}", URL "${c.baseUrl || '(none)'}", ${c.apiKey ? 'key set' : 'no API key'}`;
}

/**
 * Sessions from core_config.json as it is on disk now (CoreConfigService re-reads a changed file):
 * text mode on the correction tier (vision tier once a turn has images), voice mode on the realtime
 * tier, whose api type picks the provider dialect.
 */
@Injectable()
export class OpenAiLlmSessionFactory implements LlmSessionFactory {
  constructor(
    private readonly coreConfig: CoreConfigService,
    @Inject(CHAT_COMPLETION) private readonly chat: ChatCompletionPort,
    @Optional() @Inject(RUNTIME_ENV) private readonly env?: RuntimeEnv,
  ) {}

  async create(request: LlmSessionRequest, events: LlmSessionEvents): Promise<LlmSession> {
    return request.mode === 'text' ? this.text(events) : this.realtime(events);
  }

  async coreApiType(): Promise<string> {
    return (await this.coreConfig.config()).coreApiType;
  }

  private async text(events: LlmSessionEvents): Promise<LlmSession> {
    const correction = await this.coreConfig.modelConfig('correction');
    if (!isEndpointUsable(correction)) throw new LlmError('not_configured', `text mode has no usable model (${describe(correction)})`);
    const visionEndpoint = await this.visionEndpoint(correction);
    return new OpenAiTextSession(this.chat, { correction: toEndpoint(correction), vision: visionEndpoint }, events);
  }

  private async realtime(events: LlmSessionEvents): Promise<LlmSession> {
    const rt = await this.coreConfig.modelConfig('realtime');
    const apiType = rt.apiType ?? '';
    // `local` = the local text provider or a custom omni endpoint: only a WebSocket URL with a known dialect is a realtime API.
    if (apiType === 'local' && !(/^wss?:\/\//i.test(rt.baseUrl) && dialectFor(rt.model))) throw new LlmError('not_configured', VOICE_NEEDS_REALTIME);
    if (!isEndpointUsable(rt)) throw new LlmError('not_configured', `voice mode has no usable realtime endpoint (${describe(rt)})`);
    // StepFun/free cannot take images: the vision model describes them (when one can be called).
    const vision = await this.visionEndpoint(await this.coreConfig.modelConfig('correction'));
    return new RealtimeSession(
      {
        url: rt.baseUrl,
        model: rt.model,
        apiKey: rt.apiKey,
        apiType,
        ...(this.env?.chat ? { silenceTimeoutMs: this.env.chat.silenceTimeoutMs } : {}),
        ...(isEndpointUsable(vision) ? { vision: { chat: this.chat, endpoint: vision } } : {}),
      },
      events,
    );
  }

  /** The vision tier, with its own URL and key when it can be called, else the correction tier's (spec §6.5). */
  private async visionEndpoint(correction: ModelApiConfig): Promise<ChatEndpoint> {
    const vision = await this.coreConfig.modelConfig('vision');
    const own = isEndpointUsable(vision);
    return {
      ...toEndpoint(vision),
      model: vision.model || correction.model,
      baseUrl: own ? vision.baseUrl : correction.baseUrl,
      apiKey: own ? vision.apiKey : correction.apiKey,
    };
  }
}
