import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { BootContext } from '../shared/config/config.tokens';
import { ConfigModule } from '../shared/config/config.module';
import { HealthModule } from '../shared/http/health.controller';
import { AgentBridgeModule } from './agent-bridge/agent-bridge.module';
import { AgentRouterModule } from './agent-router/agent-router.module';
import { CharactersModule } from './characters/characters.module';
import { ChatModule } from './chat/chat.module';
import { PeerClientsModule } from './clients/peer-clients.module';
import { ConfigApiModule } from './config-api/config-api.module';
import { FilesModule } from './files/files.module';
import { MainErrorsFilter } from './http/main-errors.filter';
import { MethodNotAllowedTracker } from './http/method-not-allowed.tracker';
import { QueryValidationPipe } from './http/wire-body.pipe';
import { Live2dModule } from './live2d/live2d.module';
import { MemoryRouterModule } from './memory-router/memory-router.module';
import { PagesModule } from './pages/pages.module';
import { SessionsModule } from './sessions/sessions.module';
import { StartupModule } from './startup/startup.module';
import { SystemModule } from './system/system.module';
import { VrmModule } from './vrm/vrm.module';
import { WebsocketModule } from './websocket/websocket.module';
import { WorkshopModule } from './workshop/workshop.module';

/**
 * Entry module of the main process (port 48911), in the seed's order: config and character data,
 * one session manager per character, the routers, the chat engines that drive the managers
 * (pages last: its /{lanlan_name} catch-all must not shadow the others), then the start-up handlers.
 */
@Module({})
export class MainAppModule {
  static register(ctx: BootContext): DynamicModule {
    return {
      module: MainAppModule,
      imports: [
        ConfigModule.forRoot(ctx),
        FilesModule,
        SessionsModule,
        PeerClientsModule,
        AgentBridgeModule,
        HealthModule.register({ service: 'main', instanceId: ctx.instanceId }),
        ConfigApiModule,
        CharactersModule,
        Live2dModule,
        VrmModule,
        WorkshopModule,
        MemoryRouterModule,
        WebsocketModule,
        AgentRouterModule,
        SystemModule,
        ChatModule,
        PagesModule,
        StartupModule,
      ],
      providers: [
        MethodNotAllowedTracker,
        { provide: APP_FILTER, useClass: MainErrorsFilter },
        { provide: APP_PIPE, useClass: QueryValidationPipe },
      ],
    };
  }
}
