import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastApiErrorsFilter } from '../../shared/http/fastapi-errors.filter';
import { AgentLlmModule } from '../llm/agent-llm.module';
import { AgentPipelineModule } from '../pipeline/agent-pipeline.module';
import { AgentStateModule } from '../state/agent-state.module';
import { AgentTasksModule } from '../tasks/agent-tasks.module';
import { AgentChannelsController } from './agent-channels.controller';
import { AgentControlController } from './agent-control.controller';
import { AgentTasksController } from './agent-tasks.controller';

/**
 * The agent's HTTP control API on 48915 (spec §7.2, §8.5). Error bodies follow FastAPI
 * (`{"detail": …}`, 422 lists, 500 plain text) through the shared errors filter.
 */
@Module({
  // State: flags/status; Pipeline: the runner; Tasks: registry and action log; Llm: invalidate on config change.
  imports: [AgentStateModule, AgentPipelineModule, AgentTasksModule, AgentLlmModule],
  controllers: [AgentControlController, AgentTasksController, AgentChannelsController],
  providers: [{ provide: APP_FILTER, useClass: FastApiErrorsFilter }],
})
export class AgentHttpModule {}
