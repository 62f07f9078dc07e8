import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module';
import { BeaconService } from './beacon.service';
import { EmotionAnalysisService } from './emotion-analysis.service';
import { ProactiveChatService } from './proactive-chat.service';
import { SystemFilesController } from './system-files.controller';
import { SystemFilesService } from './system-files.service';
import { SystemController } from './system.controller';

/** The system router /api/... (emotion, achievements, file helpers, proactive chat) and the beacon. */
@Module({
  imports: [LlmModule],
  controllers: [SystemController, SystemFilesController],
  providers: [EmotionAnalysisService, ProactiveChatService, SystemFilesService, BeaconService],
})
export class SystemModule {}
