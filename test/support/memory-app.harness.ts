import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { CLOCK } from '../../src/memory/dialog/clock.token';
import { IngestService } from '../../src/memory/ingest/ingest.service';
import { MemoryAppModule } from '../../src/memory/memory-app.module';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { freePortEnv } from './boot-context';

/** Percent-encodes non-ASCII characters only (ASCII escapes in test paths are kept as written). */
const encodePath = (path: string) => path.replace(/[^ -~]/g, (c) => encodeURIComponent(c));

export const NEKO_FIXTURE = join(__dirname, '..', 'fixtures', 'neko-data');

export interface MemoryHarness {
  readonly app: NestFastifyApplication;
  readonly root: string;
  /** Moves the injected clock. */
  setNow(date: Date): void;
  /** Waits for compression, summaries and reviews queued so far. */
  idle(): Promise<void>;
  post(path: string, body: unknown): Promise<{ status: number; json: unknown }>;
  /** Any method with a JSON body, JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
  call(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  get(path: string): Promise<{ status: number; body: string; type: string | undefined }>;
  close(): Promise<void>;
}

/**
 * The memory server's Nest app in-process (Fastify, real files, real SQLite) on a copy of the
 * N.E.K.O. fixture folder. `llmBaseUrl` points the summary and correction tiers at a fake provider.
 */
export async function startMemoryApp(options: { llmBaseUrl?: string; fixture?: boolean } = {}): Promise<MemoryHarness> {
  const root = join(mkdtempSync(join(tmpdir(), 'neko-mem-')), 'N.E.K.O');
  if (options.fixture !== false) cpSync(NEKO_FIXTURE, root, { recursive: true });
  const ctx = await createBootContext('memory', { ...(await freePortEnv()), NEKO_DATA_DIR: root });
  const core = {
    coreApi: 'qwen',
    assistApi: 'qwen',
    enableCustomApi: options.llmBaseUrl !== undefined,
    ...(options.llmBaseUrl
      ? {
          summaryModelId: 'fake-summary', summaryModelUrl: options.llmBaseUrl, summaryModelApiKey: 'sk-test',
          correctionModelId: 'fake-correction', correctionModelUrl: options.llmBaseUrl, correctionModelApiKey: 'sk-test',
        }
      : {}),
  };
  writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(core, null, 2));
  let now = new Date(2026, 10, 24, 21, 30);
  const moduleRef = await Test.createTestingModule({ imports: [MemoryAppModule.register(ctx)] })
    .overrideProvider(CLOCK)
    .useValue(() => now)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    root,
    setNow: (d) => (now = d),
    idle: () => app.get(IngestService).idle(),
    async post(path, body) {
      const res = await app.inject({ method: 'POST', url: encodePath(path), payload: body as object });
      return { status: res.statusCode, json: res.json() };
    },
    async call(method, path, body) {
      const res = await app.inject({ method, url: encodePath(path), ...(body === undefined ? {} : { payload: body as object }) });
      return { status: res.statusCode, json: res.body ? res.json() : undefined };
    },
    async get(path) {
      const res = await app.inject({ method: 'GET', url: encodePath(path) });
      return { status: res.statusCode, body: res.body, type: res.headers['content-type'] as string | undefined };
    },
    close: () => app.close(),
  };
}

/** main's double-encoded body: {"input_history": "<json string>"} (json.dumps(indent=2, ensure_ascii=False)). */
export function inputHistory(turns: Array<[role: 'user' | 'assistant' | 'system', text: string]>): { input_history: string } {
  return { input_history: JSON.stringify(turns.map(([role, text]) => ({ role, content: [{ type: 'text', text }] })), null, 2) };
}
