import 'reflect-metadata';
import { bootstrapHttpServer } from '../shared/lifecycle/http-server.bootstrap';
import { MemoryAppModule } from './memory-app.module';

/** Memory server: HTTP on 48912. */
void bootstrapHttpServer({ processName: 'memory', portKey: 'memory', module: (ctx) => MemoryAppModule.register(ctx) });
