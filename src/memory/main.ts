import 'reflect-metadata';
import { setupSwagger } from '../shared/http/swagger.setup';
import { bootstrapHttpServer } from '../shared/lifecycle/http-server.bootstrap';
import { MemoryAppModule } from './memory-app.module';

/** Memory server: HTTP on 48912 (N.E.K.O.'s API plus our JSON API, documented at /docs). */
void bootstrapHttpServer({
  processName: 'memory',
  portKey: 'memory',
  module: (ctx) => MemoryAppModule.register(ctx),
  configure: (app) => setupSwagger(app, 'N.E.K.O.-TS memory server', "N.E.K.O.'s memory API (process, renew, cache, new_dialog …) and the JSON API for browsing, correcting, searching and forgetting memories."),
});
