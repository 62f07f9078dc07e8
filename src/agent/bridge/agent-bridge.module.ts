import { Module } from '@nestjs/common';
import { AgentStateModule } from '../state/agent-state.module';
import { AgentBridgeController } from './agent-bridge.controller';
import { AgentResultsClient } from './agent-results.client';
import { AnalyzeInboxService } from './analyze-inbox.service';

/** The agent's end of the ZeroMQ bridge (receiving strategy is created in the agent's bootstrap). */
@Module({
  imports: [AgentStateModule],
  controllers: [AgentBridgeController],
  providers: [AgentResultsClient, AnalyzeInboxService],
  exports: [AgentResultsClient, AnalyzeInboxService],
})
export class AgentBridgeModule {}
