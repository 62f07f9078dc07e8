import { Module } from '@nestjs/common';
import { BeaconService } from './beacon.service';
import { CHAT_COMPLETION } from '../llm/chat-completion.port';
import { EmotionAnalysisService } from './emotion-analysis.service';
import { OpenAiChatCompletionAdapter } from '../llm/openai-chat-completion.adapter';
import { ProactiveChatService } from './proactive-chat.service';
import { SystemFilesController } from './system-files.controller';
import { SystemFilesService } from './system-files.service';
import { SystemController } from './system.controller';

/** The system router /api/... (emotion, achievements, file helpers, proactive chat) and the beacon. */
@Module({
  controllers: [SystemController, SystemFilesController],
  providers: [
    { provide: CHAT_COMPLETION, useClass: OpenAiChatCompletionAdapter },
    EmotionAnalysisService,
    ProactiveChatService,
    SystemFilesService,
    BeaconService,
  ],
})
export class SystemModule {}
