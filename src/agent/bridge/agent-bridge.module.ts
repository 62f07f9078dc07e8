import { Module } from '@nestjs/common';
import { AgentBridgeController } from './agent-bridge.controller';
import { AgentResultsModule } from './agent-results.module';
import { AnalyzeInboxService } from './analyze-inbox.service';

/** The agent's end of the ZeroMQ bridge (receiving strategy is created in the agent's bootstrap). */
@Module({
  imports: [AgentResultsModule],
  controllers: [AgentBridgeController],
  providers: [AnalyzeInboxService],
  exports: [AgentResultsModule, AnalyzeInboxService],
})
export class AgentBridgeModule {}
