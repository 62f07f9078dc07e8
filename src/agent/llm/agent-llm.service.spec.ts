import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { testBootContext } from '../../../test/support/boot-context';
import { ConfigModule } from '../../shared/config/config.module';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { dataFolderAt } from '../../shared/data/data-folder';
import { OpenAiChatCompletionAdapter } from '../../shared/llm/openai-chat-completion.adapter';
import { AGENT_LLM, AgentLlmError } from './agent-llm.port';
import { AgentLlmModule } from './agent-llm.module';
import { AgentLlmService, endpointProblem, type AgentLlmServiceOptions } from './agent-llm.service';

const KEY = 'sk-test';

describe('AgentLlmService (fake OpenAI server, core_config.json on disk)', () => {
  let fake: FakeOpenAi;
  let root: string;
  let clock: number;
  const write = (cfg: Record<string, unknown>) => writeFileSync(join(root, 'config', 'core_config.json'), JSON.stringify(cfg));
  const tiers = (overrides: Record<string, unknown> = {}) => ({
    coreApi: 'qwen',
    assistApi: 'qwen',
    enableCustomApi: true,
    summaryModelUrl: fake.baseUrl,
    summaryModelId: 'fake-summary',
    summaryModelApiKey: KEY,
    agentModelUrl: fake.baseUrl,
    agentModelId: 'fake-agent',
    agentModelApiKey: KEY,
    ...overrides,
  });
  const service = (options: Partial<AgentLlmServiceOptions> = {}) =>
    new AgentLlmService(new CoreConfigService(dataFolderAt(root)), new OpenAiChatCompletionAdapter(), {
      retryDelaysMs: [5, 10],
      now: () => clock,
      ...options,
    });
  const chats = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));

  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: KEY });
    root = mkdtempSync(join(tmpdir(), 'neko-agent-llm-'));
    mkdirSync(join(root, 'config'), { recursive: true });
    clock = 1_000_000;
    write(tiers());
  });
  afterEach(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends one completion per tier with the call options and returns the text', async () => {
    const llm = service();
    fake.script.chat({ content: 'summary says hi' }, { content: 'agent says hi' });
    await expect(llm.complete('summary', [{ role: 'user', content: 'hi' }], { temperature: 0, maxTokens: 600 })).resolves.toBe('summary says hi');
    await expect(llm.complete('agent', [{ role: 'user', content: 'hi' }])).resolves.toBe('agent says hi');
    expect(chats().map((r) => r.body)).toEqual([
      expect.objectContaining({ model: 'fake-summary', temperature: 0, max_tokens: 600 }),
      expect.objectContaining({ model: 'fake-agent' }),
    ]);
  });

  it('retries 429 and 5xx up to the attempt limit, then reports the tier unreachable', async () => {
    const llm = service();
    fake.script.chat({ error: 429 }, { error: 503 }, { content: 'third time' });
    await expect(llm.complete('summary', [{ role: 'user', content: 'x' }])).resolves.toBe('third time');
    expect(chats()).toHaveLength(3);

    fake.clearRequests();
    fake.script.chat({ error: 500, times: 3 });
    const err = (await llm.complete('summary', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)) as AgentLlmError;
    expect(err).toBeInstanceOf(AgentLlmError);
    expect([err.kind, err.status, chats().length]).toEqual(['unreachable', 500, 3]);
  });

  it('does not retry other HTTP errors', async () => {
    const llm = service();
    fake.script.chat({ error: 400, message: 'bad request' });
    const err = (await llm.complete('summary', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)) as AgentLlmError;
    expect([err.kind, err.status, chats().length]).toEqual(['status', 400, 1]);
  });

  it('reports a missing key without calling anyone; a loopback endpoint needs no key', async () => {
    write({ coreApi: 'qwen', assistApi: 'qwen' });
    const llm = service();
    const err = (await llm.complete('summary', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)) as AgentLlmError;
    expect([err.kind, err.reason]).toEqual(['not_configured', 'AGENT_KEY_NOT_CONFIGURED']);
    await expect(llm.readiness('summary')).resolves.toEqual({ ready: false, reason: 'AGENT_KEY_NOT_CONFIGURED' });
    expect(chats()).toHaveLength(0);

    const open = await startFakeOpenAi();
    try {
      write(tiers({ summaryModelUrl: open.baseUrl, summaryModelApiKey: '' }));
      open.script.chat({ content: 'local' });
      await expect(llm.complete('summary', [{ role: 'user', content: 'x' }])).resolves.toBe('local');
    } finally {
      await open.close();
    }
  });

  it('names the missing part of an endpoint', () => {
    expect(endpointProblem({ model: '', baseUrl: 'https://x.test/v1', apiKey: 'k' })).toBe('AGENT_MODEL_NOT_CONFIGURED');
    expect(endpointProblem({ model: 'm', baseUrl: ' ', apiKey: 'k' })).toBe('AGENT_URL_NOT_CONFIGURED');
    expect(endpointProblem({ model: 'm', baseUrl: 'https://x.test/v1', apiKey: '' })).toBe('AGENT_KEY_NOT_CONFIGURED');
    expect(endpointProblem({ model: 'm', baseUrl: 'http://localhost:11434/v1', apiKey: '' })).toBe('');
    expect(endpointProblem({ model: ' ', baseUrl: 'https://x.test/v1', apiKey: 'k' })).toBe('AGENT_MODEL_NOT_CONFIGURED');
  });

  it('reads core_config.json on every call', async () => {
    const llm = service();
    fake.script.chat({ content: 'a' }, { content: 'b' });
    await llm.complete('summary', [{ role: 'user', content: 'x' }]);
    write(tiers({ summaryModelId: 'fake-summary-2' }));
    await llm.complete('summary', [{ role: 'user', content: 'x' }]);
    expect(chats().map((r) => r.body?.model)).toEqual(['fake-summary', 'fake-summary-2']);
  });

  it('completeJson reads fenced JSON and reports prose as a parse failure without retrying', async () => {
    const llm = service();
    fake.script.chat({ content: '```json\n{"has_task": true}\n```' }, { content: 'I think not.' });
    await expect(llm.completeJson('summary', [{ role: 'user', content: 'x' }])).resolves.toEqual({ has_task: true });
    const err = (await llm.completeJson('summary', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)) as AgentLlmError;
    expect(err.kind).toBe('parse');
    expect(chats()).toHaveLength(2);
  });

  it('stops waiting when the signal aborts, during a call and during a retry wait', async () => {
    const llm = service({ retryDelaysMs: [60_000] });
    fake.script.chat({ content: 'late', delayMs: 30_000 });
    const ctrl = new AbortController();
    const pending = llm.complete('summary', [{ role: 'user', content: 'x' }], { signal: ctrl.signal }).catch((e: unknown) => e);
    // Abort once the request is on the wire (the first call also loads the SDK, which takes a while).
    await until(() => chats().length === 1);
    ctrl.abort();
    expect(((await pending) as AgentLlmError).kind).toBe('aborted');

    fake.script.reset();
    fake.script.chat({ error: 503 });
    const before = chats().length;
    const ctrl2 = new AbortController();
    const waiting = llm.complete('summary', [{ role: 'user', content: 'x' }], { signal: ctrl2.signal }).catch((e: unknown) => e);
    await until(() => chats().length === before + 1);
    ctrl2.abort();
    expect(((await waiting) as AgentLlmError).kind).toBe('aborted');
    expect(chats()).toHaveLength(before + 1);

    const gone = new AbortController();
    gone.abort();
    expect(((await llm.complete('summary', [{ role: 'user', content: 'x' }], { signal: gone.signal }).catch((e: unknown) => e)) as AgentLlmError).kind).toBe('aborted');
    expect(chats()).toHaveLength(before + 1);
  });

  it('clamps a time limit beyond the timer range instead of timing out at once', async () => {
    const llm = service();
    fake.script.chat({ content: 'worth the wait', delayMs: 150 });
    await expect(llm.complete('summary', [{ role: 'user', content: 'x' }], { timeoutMs: 3e9, attempts: 1 })).resolves.toBe('worth the wait');
  });

  it('readiness probes once with 5 tokens, shares the probe, caches it for the TTL and after invalidate() probes again', async () => {
    const llm = service({ probeTtlMs: 60_000 });
    fake.script.chat({ content: 'pong', delayMs: 50 });
    const [a, b] = await Promise.all([llm.readiness('summary'), llm.readiness('summary')]);
    expect([a, b]).toEqual([{ ready: true, reason: '' }, { ready: true, reason: '' }]);
    expect(chats().map((r) => r.body?.max_tokens)).toEqual([5]);

    clock += 59_000;
    await llm.readiness('summary');
    expect(chats()).toHaveLength(1);
    clock += 2_000;
    fake.script.chat({ error: 401 });
    await expect(llm.readiness('summary')).resolves.toEqual({ ready: false, reason: 'AGENT_LLM_UNREACHABLE' });
    expect(chats()).toHaveLength(2);

    llm.invalidate();
    await expect(llm.readiness('summary')).resolves.toEqual({ ready: true, reason: '' });
    expect(chats()).toHaveLength(3);
  });

  it('re-probes at once when the endpoint changed', async () => {
    const llm = service();
    await llm.readiness('agent');
    write(tiers({ agentModelId: 'fake-agent-2' }));
    await llm.readiness('agent');
    expect(chats().map((r) => r.body?.model)).toEqual(['fake-agent', 'fake-agent-2']);
  });

  it('AgentLlmModule provides AGENT_LLM through Nest', async () => {
    const ctx = await testBootContext('agent');
    mkdirSync(ctx.dataFolder.configDir, { recursive: true });
    writeFileSync(ctx.dataFolder.configFile('core_config.json'), JSON.stringify(tiers()));
    const app = await Test.createTestingModule({ imports: [ConfigModule.forRoot(ctx), AgentLlmModule] }).compile();
    try {
      const llm = app.get<AgentLlmService>(AGENT_LLM);
      expect(llm).toBeInstanceOf(AgentLlmService);
      fake.script.chat({ content: 'through nest' });
      await expect(llm.complete('summary', [{ role: 'user', content: 'x' }], { attempts: 1 })).resolves.toBe('through nest');
    } finally {
      await app.close();
      rmSync(ctx.dataFolder.root, { recursive: true, force: true });
    }
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
