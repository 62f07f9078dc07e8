import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MainAppModule } from '../../src/main/main-app.module';
import { configureMainHttp, MAIN_FASTIFY_OPTIONS } from '../../src/main/http/main-http.setup';
import { MemoryAppModule } from '../../src/memory/memory-app.module';
import type { BootContext } from '../../src/shared/config/config.tokens';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { installHostOriginGuard } from '../../src/shared/http/host-origin.policy';
import { freePortEnv } from './boot-context';
import { NEKO_FIXTURE } from './memory-app.harness';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body (undefined when the body is not JSON). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
  readonly json: any;
}

export interface MainHarness {
  readonly app: NestFastifyApplication;
  readonly ctx: BootContext;
  /** The data folder (N.E.K.O. layout). */
  readonly root: string;
  readonly baseUrl: string;
  /** The memory server, when started with `memory: true`. */
  readonly memory: NestFastifyApplication | undefined;
  /** A real HTTP request to main (Host 127.0.0.1:<port>); JSON bodies are encoded for you. */
  request(method: string, path: string, options?: { json?: unknown; body?: string | Uint8Array | FormData | Blob; headers?: Record<string, string> }): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export interface MainHarnessOptions {
  /** Start from a copy of test/fixtures/neko-data (default) or an empty, freshly created folder. */
  readonly fixture?: boolean;
  /** Also run the memory server (in-process, real SQLite) on its port, sharing the data folder. */
  readonly memory?: boolean;
  /** core_config.json to write before start. */
  readonly coreConfig?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  /** Runs on the data folder after the fixture is copied and before main boots (e.g. workshop_config.json, whose folders are mounted at boot). */
  readonly prepare?: (root: string) => void | Promise<void>;
}

/** Percent-encodes non-ASCII characters only (ASCII escapes written in a test path are kept). */
export const encodePath = (path: string): string => path.replace(/[^ -~]/g, (c) => encodeURIComponent(c));

/**
 * The main server's Nest app in-process with its real HTTP set-up (multipart, static mounts,
 * views, Swagger and the Host/Origin guard as bootstrap installs them),
 * listening on a free port over a temporary data folder.
 */
export async function startMainApp(options: MainHarnessOptions = {}): Promise<MainHarness> {
  const root = join(mkdtempSync(join(tmpdir(), 'neko-main-')), 'N.E.K.O');
  if (options.fixture !== false) cpSync(NEKO_FIXTURE, root, { recursive: true });
  const ctx = await createBootContext('main', { ...(await freePortEnv()), NEKO_DATA_DIR: root, NEKO_ZMQ_LINGER_MS: '0', ...options.env });
  // The fixture's workshop folder is "~/Documents/N.E.K.O/workshop": keep tests out of the real home.
  writeFileSync(join(root, 'config', 'workshop_config.json'), JSON.stringify({ default_workshop_folder: join(root, 'workshop'), auto_create_folder: true }, null, 4));
  if (options.coreConfig) writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(options.coreConfig, null, 2));
  await options.prepare?.(root);
  let memory: NestFastifyApplication | undefined;
  if (options.memory) {
    const memoryCtx = await createBootContext('memory', { ...process.env, NEKO_DATA_DIR: root, ...portsOf(ctx) });
    const memRef = await Test.createTestingModule({ imports: [MemoryAppModule.register(memoryCtx)] }).compile();
    memory = memRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
    await memory.listen({ port: ctx.env.ports.memory, host: '127.0.0.1' });
  }
  const moduleRef = await Test.createTestingModule({ imports: [MainAppModule.register(ctx)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(MAIN_FASTIFY_OPTIONS), { logger: ['error'] });
  installHostOriginGuard(app, ctx.env);
  await configureMainHttp(app, ctx);
  await app.listen({ port: ctx.env.ports.main, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${ctx.env.ports.main}`;
  return {
    app,
    ctx,
    root,
    baseUrl,
    memory,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      let body = opts.body;
      if (opts.json !== undefined) {
        body = JSON.stringify(opts.json);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(baseUrl + encodePath(path), { method, headers, body, redirect: 'manual' });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await app.close();
      await memory?.close();
    },
  };
}

/** The port variables of a harness's boot context, to start another server against it. */
export function portsOf(ctx: BootContext): Record<string, string> {
  const p = ctx.env.ports;
  return {
    NEKO_MAIN_SERVER_PORT: String(p.main),
    NEKO_MEMORY_SERVER_PORT: String(p.memory),
    NEKO_TOOL_SERVER_PORT: String(p.agent),
    NEKO_ZMQ_SESSION_PUB_PORT: String(p.zmqSessionPub),
    NEKO_ZMQ_AGENT_PUSH_PORT: String(p.zmqAgentPush),
    NEKO_ZMQ_ANALYZE_PUSH_PORT: String(p.zmqAnalyzePush),
  };
}
