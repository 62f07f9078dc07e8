import { Module, type DynamicModule } from '@nestjs/common';
import type { BootContext } from '../shared/config/config.tokens';
import { ConfigModule } from '../shared/config/config.module';
import { HealthModule } from '../shared/http/health.controller';
import { AgentHttpModule } from './http/agent-http.module';
import { AgentFlagsService } from './state/agent-flags.service';
import { AgentStateModule } from './state/agent-state.module';

/**
 * Entry module of the agent process (port 48915): the HTTP control API, which brings in the state, the
 * task pipeline and through it the ZeroMQ bridge handlers, results client, adapters and model service.
 */
@Module({})
export class AgentAppModule {
  static register(ctx: BootContext): DynamicModule {
    return {
      module: AgentAppModule,
      imports: [
        ConfigModule.forRoot(ctx),
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
