import 'reflect-metadata';
import { bootstrapHttpServer } from '../shared/lifecycle/http-server.bootstrap';
import { configureMainHttp, MAIN_FASTIFY_OPTIONS } from './http/main-http.setup';
import { MainAppModule } from './main-app.module';

/** Main server: HTTP + WebSocket on 48911; binds the ZeroMQ bridge to the agent. */
void bootstrapHttpServer({
  processName: 'main',
  portKey: 'main',
  module: (ctx) => MainAppModule.register(ctx),
  fastify: MAIN_FASTIFY_OPTIONS,
  configure: configureMainHttp,
});
