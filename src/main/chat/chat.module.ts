import { Module } from '@nestjs/common';
import { AgentBridgeModule } from '../agent-bridge/agent-bridge.module';
import { AudioModule } from '../audio/audio.module';
import { ChatMemoryModule } from '../chat-memory/chat-memory.module';
import { LlmModule } from '../llm/llm.module';
import { TtsModule } from '../tts/tts.module';
import { AgentEventsHandler } from './agent-events.handler';
import { ChatEnginesService } from './chat-engines.service';

/**
 * The real-time chat (spec main-server.md §5): one engine per character's SessionManager, fed by
 * the WebSocket gateway, speaking through the LLM, TTS and audio ports, remembering through the
 * chat memory, and telling what the agent's background tasks did.
 */
@Module({
  imports: [LlmModule, TtsModule, AudioModule, ChatMemoryModule, AgentBridgeModule],
  providers: [ChatEnginesService, AgentEventsHandler],
  exports: [ChatEnginesService],
})
export class ChatModule {}
