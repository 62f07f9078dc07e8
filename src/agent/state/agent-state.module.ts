import { Module } from '@nestjs/common';
import { AgentAdaptersModule } from '../adapters/agent-adapters.module';
import { AgentResultsModule } from '../bridge/agent-results.module';
import { AgentTasksModule } from '../tasks/agent-tasks.module';
import { AgentCapabilitiesService } from './agent-capabilities.service';
import { AgentFlagsService } from './agent-flags.service';
import { AgentStatusService } from './agent-status.service';

/** Agent switches and observable state, shared by the bridge, the pipeline, the HTTP API and /health. */
@Module({
  imports: [AgentTasksModule, AgentAdaptersModule, AgentResultsModule],
  providers: [AgentFlagsService, AgentCapabilitiesService, AgentStatusService],
  exports: [AgentFlagsService, AgentStatusService],
})
export class AgentStateModule {}
