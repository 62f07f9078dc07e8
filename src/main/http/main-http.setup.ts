import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import handlebars from 'handlebars';
import { mkdirSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BootContext } from '../../shared/config/config.tokens';
import { setupSwagger } from '../../shared/http/swagger.setup';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { isInside, PathGuard } from '../files/path-guard';
import { WorkshopConfigService } from '../workshop/workshop-config.service';
import { MethodNotAllowedTracker } from './method-not-allowed.tracker';
import { UPLOAD_LIMITS } from './upload-limits.const';
import { HostOriginPolicy } from '../../shared/http/host-origin.policy';
import { MainWsAdapter } from '../websocket/main-ws.adapter';

/** Fastify options for main: bounded JSON bodies, `/api/characters` and `/api/characters/` alike. */
export const MAIN_FASTIFY_OPTIONS: FastifyServerOptions = {
  bodyLimit: UPLOAD_LIMITS.jsonBodyBytes,
  routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  // A URL that cannot be decoded (`/%ff`) is answered before routing: same `{"detail"}` shape as the rest.
  frameworkErrors: (error, _req, reply) => void (reply as FastifyReply).code(400).send({ detail: `Bad Request: ${error.message}` }),
};

interface Mount {
  readonly prefix: string;
  readonly root: string;
}

/**
 * Serves one folder under a URL prefix. Besides @fastify/static's own `..` protection, every file
 * is checked on its real path, so a symlink inside the folder cannot expose a file outside it.
 */
async function mount(fastify: FastifyInstance, { prefix, root }: Mount, first: boolean): Promise<void> {
  mkdirSync(root, { recursive: true });
  await fastify.register(fastifyStatic, {
    root,
    prefix: `${prefix}/`,
    decorateReply: first,
    index: false,
    list: false,
    dotfiles: 'deny',
    allowedPath: (pathName, servedRoot) => {
      const base = servedRoot ?? root;
      try {
        return isInside(realpathSync(base), realpathSync(join(base, decodeURIComponent(pathName))));
      } catch {
        return true; // missing file: let @fastify/static answer 404
      }
    },
    setHeaders: (res, path) => {
      if (path.endsWith('.js') || path.endsWith('.mjs')) void res.header('content-type', 'application/javascript; charset=utf-8');
    },
  });
}

/** Serves files below a folder that is looked up on every request (symlink-safe like `mount`). */
function mountDynamic(fastify: FastifyInstance, prefix: string, folder: () => Promise<string>): void {
  fastify.get(`${prefix}/*`, async (req, reply) => {
    const rel = (req.params as { '*': string })['*']; // already URL-decoded by the router
    if (rel.split('/').some((seg) => seg.startsWith('.'))) return reply.code(404).send({ detail: 'Not Found' }); // dotfiles, as the static mounts
    const root = await folder();
    const file = await new PathGuard([root]).file(rel, root);
    if (file === undefined) return reply.code(404).send({ detail: 'Not Found' });
    return reply.sendFile(relative(realpathSync(root), file), realpathSync(root));
  });
}

/**
 * Main's HTTP set-up before it listens (spec §1.3 step 7, §3.7): multipart uploads, the static
 * mounts (/static, /user_live2d, /user_vrm; /user_mods and /workshop follow workshop_config.json),
 * the WebSocket adapter, Handlebars views, 405 for a known path with the wrong method, Swagger.
 */
export async function configureMainHttp(app: NestFastifyApplication, ctx: BootContext): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  app.get(MethodNotAllowedTracker).attach(fastify);
  app.useWebSocketAdapter(new MainWsAdapter(app, new HostOriginPolicy(ctx.env)));
  await fastify.register(fastifyMultipart, {
    limits: { fileSize: UPLOAD_LIMITS.fileBytes, files: UPLOAD_LIMITS.files, fields: 50, fieldSize: 1024 * 1024, parts: UPLOAD_LIMITS.files + 50 },
  });
  const roots = app.get(AllowedRootsService);
  const workshop = app.get(WorkshopConfigService);
  const mounts: Mount[] = [
    { prefix: '/static', root: roots.publicDir },
    { prefix: '/user_live2d', root: ctx.dataFolder.live2dDir },
    { prefix: '/user_vrm', root: ctx.dataFolder.vrmDir },
  ];
  for (const [i, m] of mounts.entries()) await mount(fastify, m, i === 0);
  // The workshop folders come from workshop_config.json, which the user may change while we run:
  // resolved per request. [QUIRK] fixed: the original never mounted /workshop (its URLs 404ed).
  mountDynamic(fastify, '/user_mods', () => workshop.workshopPath());
  mountDynamic(fastify, '/workshop', async () => (await workshop.steamWorkshopRoot()) ?? (await workshop.workshopPath()));
  app.setViewEngine({ engine: { handlebars }, templates: roots.viewsDir, options: { partials: {} } });
  setupSwagger(app, 'N.E.K.O.-TS main server', "N.E.K.O.'s main API: configuration, characters, Live2D and VRM models, workshop, memory and agent proxies, system helpers and pages. The chat WebSocket is /ws/{lanlan_name}.");
}
