import 'reflect-metadata';
import { zmqEndpoint } from '../shared/config/env.schema';
import { BridgeChannel } from '../shared/contracts/agent-bridge.contract';
import { validateBridgeEvent } from '../shared/contracts/agent-bridge.validate';
import { bootstrapHttpServer } from '../shared/lifecycle/http-server.bootstrap';
import { ZmqServer } from '../shared/transport/zmq/zmq.server';
import { AgentAppModule } from './agent-app.module';

/** Agent server: HTTP on 48915; receives main's events on SUB 48961 and PULL 48963 (connect side). */
void bootstrapHttpServer({
  processName: 'agent',
  portKey: 'agent',
  module: (ctx) => AgentAppModule.register(ctx),
  microservice: (ctx) => ({
    strategy: new ZmqServer({
      highWaterMark: ctx.env.zmqHighWaterMark,
      lingerMs: ctx.env.zmqLingerMs,
      validate: validateBridgeEvent,
      receivers: {
        [BridgeChannel.Session]: { type: 'sub', endpoint: zmqEndpoint(ctx.env.ports.zmqSessionPub), bind: false },
        [BridgeChannel.Analyze]: { type: 'pull', endpoint: zmqEndpoint(ctx.env.ports.zmqAnalyzePush), bind: false },
      },
    }),
  }),
});
