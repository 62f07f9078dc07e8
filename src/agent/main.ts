import 'reflect-metadata';
import { bootstrapHttpServer } from '../shared/lifecycle/http-server.bootstrap';
import { AgentAppModule } from './agent-app.module';
import { createAgentBridgeStrategy } from './bridge/agent-bridge.strategy';

/** Agent server: HTTP on 48915; receives main's events on SUB 48961 and PULL 48963 (connect side). */
void bootstrapHttpServer({
  processName: 'agent',
  portKey: 'agent',
  module: (ctx) => AgentAppModule.register(ctx),
  microservice: (ctx) => ({ strategy: createAgentBridgeStrategy(ctx.env) }),
});
