import { Module, type DynamicModule } from '@nestjs/common';
import type { BootContext } from '../shared/config/config.tokens';
import { ConfigModule } from '../shared/config/config.module';
import { HealthModule } from '../shared/http/health.controller';
import { AgentBridgeModule } from './agent-bridge/agent-bridge.module';

/** Entry module of the main process (port 48911): routers, chat gateway, agent bridge. */
@Module({})
export class MainAppModule {
  static register(ctx: BootContext): DynamicModule {
    return {
      module: MainAppModule,
      imports: [ConfigModule.forRoot(ctx), AgentBridgeModule, HealthModule.register({ service: 'main', instanceId: ctx.instanceId })],
    };
  }
}
