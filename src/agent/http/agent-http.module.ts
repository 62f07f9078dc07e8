import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastApiErrorsFilter } from '../../shared/http/fastapi-errors.filter';
import { AgentAdaptersModule } from '../adapters/agent-adapters.module';
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
  imports: [AgentStateModule, AgentPipelineModule, AgentTasksModule, AgentAdaptersModule, AgentLlmModule],
  controllers: [AgentControlController, AgentTasksController, AgentChannelsController],
  providers: [{ provide: APP_FILTER, useClass: FastApiErrorsFilter }],
})
export class AgentHttpModule {}
