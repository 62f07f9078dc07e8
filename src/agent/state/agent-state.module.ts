import { Module } from '@nestjs/common';
import { AgentAdaptersModule } from '../adapters/agent-adapters.module';
import { AgentResultsModule } from '../bridge/agent-results.module';
import { AgentLlmModule } from '../llm/agent-llm.module';
import { AgentTasksModule } from '../tasks/agent-tasks.module';
import { AgentFlagsService } from './agent-flags.service';
import { AgentStatusService } from './agent-status.service';

/** Agent switches and observable state, shared by the bridge, the pipeline, the HTTP API and /health. */
@Module({
  imports: [AgentTasksModule, AgentAdaptersModule, AgentLlmModule, AgentResultsModule],
  providers: [AgentFlagsService, AgentStatusService],
  exports: [AgentFlagsService, AgentStatusService],
})
export class AgentStateModule {}
