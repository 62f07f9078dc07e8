/**
 * Everything the companion page talks to, for the browser tests: the main, memory and agent
 * servers (in-process, over real HTTP and ZeroMQ, as in the e2e tests, so they run the current
 * source) on free ports and a temporary data folder, with every model tier — text chat, voice
 * (realtime), TTS, summaries, the agent — pointed at the fake OpenAI-compatible provider.
 * Optionally the agent gets the test MCP server (stdio) in mcp.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { buildSync } from 'esbuild';
import { AgentAppModule } from '../../src/agent/agent-app.module';
import { createAgentBridgeStrategy } from '../../src/agent/bridge/agent-bridge.strategy';
import { AgentFlagsService } from '../../src/agent/state/agent-flags.service';
import { AgentStatusService } from '../../src/agent/state/agent-status.service';
import { IngestService } from '../../src/memory/ingest/ingest.service';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { chatCoreConfig, FAKE_KEY } from './chat-client.harness';
import { portsOf, startMainApp, type MainHarness } from './main-app.harness';
import { inputHistory } from './memory-app.harness';

export interface CompanionStackOptions {
  /** Start from test/fixtures/neko-data (characters 小天 and Luna) instead of a fresh install's empty folder. */
  readonly fixture?: boolean;
  /** Give the agent the test MCP server as `tests` (tools tests/clock, tests/notes_add, …). */
  readonly mcp?: boolean;
  /** Realtime deltas pace (ms); a slower pace keeps a reply streaming longer. */
  readonly deltaIntervalMs?: number;
  /** Extra core_config.json fields. */
  readonly coreConfig?: Record<string, unknown>;
}

export interface CompanionStack {
  readonly fake: FakeOpenAi;
  readonly main: MainHarness;
  readonly agent: NestFastifyApplication;
  /** http://127.0.0.1:<main port> — the origin the pages are served from. */
  readonly baseUrl: string;
  /** Stores conversation turns the way main's sessions do (the memory server's /process), then waits until they are indexed. */
  remember(name: string, turns: Array<[role: 'user' | 'assistant', text: string]>): Promise<void>;
  /** True once the agent's MCP channel has checked the test server and can run its tools. */
  mcpUsable(): boolean;
  /** The agent's own switches (read in-process: its HTTP answer hands out a read-once notification the page may want). */
  agentSwitches(): { analyzer: boolean; mcp: boolean };
  close(): Promise<void>;
}

/** Bundles the test MCP server into `dir` (it runs with this Node as a stdio child of the agent). */
function buildMcpServer(dir: string): string {
  const out = join(dir, 'mcp-test-server.cjs');
  buildSync({ entryPoints: [join(__dirname, 'mcp-test-server.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent' });
  return out;
}

async function startAgent(main: MainHarness): Promise<NestFastifyApplication> {
  const ctx = await createBootContext('agent', { ...process.env, NEKO_DATA_DIR: main.root, NEKO_ZMQ_LINGER_MS: '0', ...portsOf(main.ctx) });
  const moduleRef = await Test.createTestingModule({ imports: [AgentAppModule.register(ctx)] }).compile();
  const agent = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  await agent.listen({ port: ctx.env.ports.agent, host: '127.0.0.1' });
  agent.connectMicroservice({ strategy: createAgentBridgeStrategy(ctx.env) });
  await agent.startAllMicroservices();
  return agent;
}

/** Runs every clean-up step even when one fails (no server may outlive a failed test), then throws the first failure. */
async function closeAll(steps: ReadonlyArray<() => Promise<unknown> | undefined>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length) throw failures[0];
}

export async function startCompanionStack(options: CompanionStackOptions = {}): Promise<CompanionStack> {
  const work = mkdtempSync(join(tmpdir(), 'neko-browser-'));
  // What is running so far, last started first: a start that fails half-way stops the rest.
  const started: Array<() => Promise<unknown> | undefined> = [() => void rmSync(work, { recursive: true, force: true })];
  const abort = async (err: unknown): Promise<never> => {
    await closeAll(started.slice().reverse()).catch(() => undefined);
    throw err;
  };
  const fake = await startFakeOpenAi({ apiKey: FAKE_KEY, deltaIntervalMs: options.deltaIntervalMs ?? 20 }).catch(abort);
  started.push(() => fake.close());
  // The agent tier points at the fake too: nothing leaves the machine.
  const agentTier = { agentModelProvider: 'custom', agentModelUrl: fake.baseUrl, agentModelId: 'fake-agent', agentModelApiKey: FAKE_KEY };
  let main: MainHarness;
  let agent: NestFastifyApplication;
  try {
    const mcpServer = options.mcp ? buildMcpServer(work) : undefined;
    main = await startMainApp({
      memory: true,
      fixture: options.fixture ?? false,
      coreConfig: chatCoreConfig(fake, { speech: true, extra: { ...agentTier, ...options.coreConfig } }),
      prepare: (root) => {
        if (mcpServer) writeFileSync(join(root, 'mcp.json'), JSON.stringify({ mcpServers: { tests: { command: process.execPath, args: [mcpServer] } } }));
      },
    });
    const startedMain = main;
    started.push(
      () => void rmSync(dirname(startedMain.root), { recursive: true, force: true }),
      () => startedMain.memory?.close(),
      () => startedMain.app.close(),
    );
    agent = await startAgent(main);
  } catch (err) {
    return abort(err);
  }
  const memoryPort = main.ctx.env.ports.memory;
  return {
    fake,
    main,
    agent,
    baseUrl: main.baseUrl,
    async remember(name, turns) {
      const res = await fetch(`http://127.0.0.1:${memoryPort}/process/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(inputHistory(turns)),
        signal: AbortSignal.timeout(20_000),
      });
      if (!res.ok) throw new Error(`memory server /process answered ${res.status}: ${await res.text()}`);
      await main.memory?.get(IngestService).idle();
    },
    mcpUsable: () => agent.get(AgentStatusService).isChannelUsable('mcp'),
    agentSwitches: () => {
      const flags = agent.get(AgentFlagsService);
      return { analyzer: flags.analyzerEnabled, mcp: flags.get().mcp_enabled === true };
    },
    close: () =>
      // Main first: its sessions end and hand their last turns to memory, whose background work
      // (summaries from the fake provider) is then let finish before anything else goes. The
      // agent's close ends the test MCP server it started.
      closeAll([
        () => main.app.close(),
        () => main.memory?.get(IngestService).idle(),
        () => main.memory?.close(),
        () => agent.close(),
        () => fake.close(),
        // The data folder is a temporary directory of main's harness (…/neko-main-*/N.E.K.O).
        () => void rmSync(dirname(main.root), { recursive: true, force: true }),
        () => void rmSync(work, { recursive: true, force: true }),
      ]),
  };
}
