import { Module } from '@nestjs/common';
import { CHAT_COMPLETION } from '../../shared/llm/chat-completion.port';
import { OpenAiChatCompletionAdapter } from '../../shared/llm/openai-chat-completion.adapter';
import { AGENT_LLM } from './agent-llm.port';
import { AgentLlmService } from './agent-llm.service';

/**
 * The agent's model access: AGENT_LLM (AgentLlmPort) over the shared OpenAI-compatible adapter.
 * Needs CoreConfigService, which the global ConfigModule.forRoot provides. One AgentLlmService per
 * importing module graph is enough: Nest shares this module's instance among all importers.
 */
@Module({
  providers: [
    { provide: CHAT_COMPLETION, useClass: OpenAiChatCompletionAdapter },
    AgentLlmService,
    { provide: AGENT_LLM, useExisting: AgentLlmService },
  ],
  exports: [AGENT_LLM],
})
export class AgentLlmModule {}
