import { Module } from '@nestjs/common';
import { CHAT_COMPLETION } from '../../shared/llm/chat-completion.port';
import { LLM_SESSION_FACTORY } from './llm-session.port';
import { OpenAiLlmSessionFactory } from './llm-session.factory';
import { OpenAiChatCompletionAdapter } from '../../shared/llm/openai-chat-completion.adapter';

/**
 * The LLM clients of the main process: LLM_SESSION_FACTORY (chat sessions, text and voice) and
 * CHAT_COMPLETION (one-shot and streamed chat completions). Needs ConfigModule (global).
 */
@Module({
  providers: [
    { provide: CHAT_COMPLETION, useClass: OpenAiChatCompletionAdapter },
    { provide: LLM_SESSION_FACTORY, useClass: OpenAiLlmSessionFactory },
  ],
  exports: [LLM_SESSION_FACTORY, CHAT_COMPLETION],
})
export class LlmModule {}
