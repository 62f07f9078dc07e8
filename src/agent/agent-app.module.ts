import { Module, type DynamicModule } from '@nestjs/common';
import type { BootContext } from '../shared/config/config.tokens';
import { ConfigModule } from '../shared/config/config.module';
import { HealthModule } from '../shared/http/health.controller';
import { AgentAdaptersModule } from './adapters/agent-adapters.module';
import { AgentBridgeModule } from './bridge/agent-bridge.module';
import { AgentResultsModule } from './bridge/agent-results.module';
import { AgentHttpModule } from './http/agent-http.module';
import { AgentLlmModule } from './llm/agent-llm.module';
import { AgentPipelineModule } from './pipeline/agent-pipeline.module';
import { AgentFlagsService } from './state/agent-flags.service';
import { AgentStateModule } from './state/agent-state.module';
import { AgentTasksModule } from './tasks/agent-tasks.module';

/** Entry module of the agent process (port 48915): HTTP control API, ZeroMQ bridge handlers and the task pipeline. */
@Module({})
export class AgentAppModule {
  static register(ctx: BootContext): DynamicModule {
    return {
      module: AgentAppModule,
      imports: [
        ConfigModule.forRoot(ctx),
        AgentStateModule,
        AgentTasksModule,
        AgentResultsModule,
        AgentBridgeModule,
        AgentAdaptersModule,
        AgentLlmModule,
        AgentPipelineModule,
        AgentHttpModule,
        HealthModule.register({
          service: 'agent',
          instanceId: ctx.instanceId,
          imports: [AgentStateModule],
          extras: { inject: AgentFlagsService, pick: (flags: AgentFlagsService) => ({ agent_flags: flags.get() }) },
        }),
      ],
    };
  }
}
