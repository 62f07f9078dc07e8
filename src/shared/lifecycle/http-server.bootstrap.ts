import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomStrategy } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import type { BootContext } from '../config/config.tokens';
import { ConfigError, EXIT_CONFIG, parseRuntimeEnv, portProblem, type PortKey } from '../config/env.schema';
import { installHostOriginGuard } from '../http/host-origin.policy';
import { PinoLogger } from '../logging/pino.logger';
import { createBootContext } from './boot-context';

export interface HttpServerDefinition {
  readonly processName: BootContext['processName'];
  readonly module: (ctx: BootContext) => DynamicModule;
  /** Which configured port this server's HTTP listens on. */
  readonly portKey: Extract<PortKey, 'main' | 'memory' | 'agent'>;
  /** Fastify options of this server (body limit, trailing slashes …). */
  readonly fastify?: FastifyServerOptions;
  /** Extra set-up before listening (Swagger, view engine …). */
  readonly configure?: (app: NestFastifyApplication, ctx: BootContext) => void | Promise<void>;
  /** ZeroMQ (or other) strategy run inside the same process, started after HTTP listens. */
  readonly microservice?: (ctx: BootContext, app: INestApplication) => CustomStrategy;
}

const SHUTDOWN_GRACE_MS = 3000;

function startupFailure(err: unknown, logger: PinoLogger | undefined): never {
  if (!(err instanceof ConfigError)) throw err;
  if (logger) logger.fatal(err.message);
  else process.stderr.write(`${err.message}\n`);
  process.exit(EXIT_CONFIG);
}

/** Boots one of the three servers: config, logger, Nest on Fastify, Host/Origin guard, listen, clean shutdown. */
export async function bootstrapHttpServer(def: HttpServerDefinition): Promise<NestFastifyApplication> {
  let logger: PinoLogger | undefined;
  let ctx: BootContext & { created: string[] };
  try {
    const runtime = parseRuntimeEnv();
    logger = PinoLogger.create({ processName: def.processName, level: runtime.logLevel, format: runtime.logFormat });
    ctx = await createBootContext(def.processName, process.env, runtime);
  } catch (err) {
    return startupFailure(err, logger);
  }
  if (ctx.created.length > 0) logger.log(`created ${ctx.created.join(', ')} in ${ctx.dataFolder.configDir}`, 'Bootstrap');

  const app = await NestFactory.create<NestFastifyApplication>(
    def.module(ctx),
    new FastifyAdapter(def.fastify ?? { bodyLimit: 64 * 1024 * 1024 }),
    { logger, abortOnError: false },
  );
  installHostOriginGuard(app, ctx.env);

  let closing = false;
  const shutdown = (why: string): void => {
    if (closing) return;
    closing = true;
    logger?.log(`shutting down (${why})`, 'Bootstrap');
    const force = setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger?.error(err instanceof Error ? err : String(err), 'Bootstrap');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // Started by the launcher with an IPC channel: exit with it, so a killed launcher leaves no orphans.
  if (process.send) process.once('disconnect', () => shutdown('launcher went away'));

  const port = ctx.env.ports[def.portKey];
  try {
    await def.configure?.(app, ctx);
    // listen() also runs module init (e.g. ZeroMQ binds), whose errors are already ConfigErrors.
    await app.listen({ port, host: ctx.env.host }).catch((err: unknown) => {
      throw err instanceof ConfigError ? err : portProblem(def.portKey, port, err);
    });
    if (def.microservice) {
      app.connectMicroservice(def.microservice(ctx, app), { inheritAppConfig: true });
      await app.startAllMicroservices();
    }
  } catch (err) {
    await app.close().catch(() => undefined);
    return startupFailure(err, logger);
  }
  logger.log(`${def.processName} server listening on http://${ctx.env.host}:${port} (data: ${ctx.dataFolder.root})`, 'Bootstrap');
  return app;
}
