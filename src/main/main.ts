import 'reflect-metadata';
import { bootstrapHttpServer } from '../shared/lifecycle/http-server.bootstrap';
import { MainAppModule } from './main-app.module';

/** Main server: HTTP + WebSocket on 48911; binds the ZeroMQ bridge to the agent. */
void bootstrapHttpServer({ processName: 'main', portKey: 'main', module: (ctx) => MainAppModule.register(ctx) });
