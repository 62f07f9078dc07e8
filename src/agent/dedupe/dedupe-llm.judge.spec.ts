import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fake-openai/fake-openai.server';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { dataFolderAt } from '../../shared/data/data-folder';
import { OpenAiChatCompletionAdapter } from '../../shared/llm/openai-chat-completion.adapter';
import { AgentLlmService } from '../llm/agent-llm.service';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { JUDGE_TEXT_LIMIT, createLlmDuplicateJudge, judgeMessages, readJudgeVerdict } from './dedupe-llm.judge';
import { TaskDeduper, type DuplicateJudge } from './task.deduper';

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createLlmDuplicateJudge (fake OpenAI summary tier)', () => {
  let fake: FakeOpenAi;
  let root: string;
  let llm: AgentLlmService;
  const chats = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    root = mkdtempSync(join(tmpdir(), 'neko-judge-'));
    mkdirSync(join(root, 'config'), { recursive: true });
    writeFileSync(
      join(root, 'config', 'core_config.json'),
      JSON.stringify({ enableCustomApi: true, summaryModelUrl: fake.baseUrl, summaryModelId: 'fake-summary', summaryModelApiKey: 'sk-test' }),
    );
    llm = new AgentLlmService(new CoreConfigService(dataFolderAt(root)), new OpenAiChatCompletionAdapter(), { retryDelaysMs: [1] });
  });
  afterEach(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('asks the summary model at temperature 0 with the new and the existing task, and reads [id, bool]', async () => {
    const judge = createLlmDuplicateJudge(llm);
    fake.script.chat({ content: '["existing", true]' }, { content: '```json\n[null, false]\n```' });
    await expect(judge('play some music', 'play some jazz music')).resolves.toBe(true);
    await expect(judge('book a flight to Beijing', 'book a flight to Shanghai')).resolves.toBe(false);
    const body = chats()[0].body!;
    expect(body).toMatchObject({ model: 'fake-summary', temperature: 0 });
    const user = String((body.messages as Array<{ content: string }>)[1].content);
    expect(user).toMatch(/^New task:\nplay some music\n\nExisting tasks:\n- id=existing: play some jazz music\n/);
    expect(user).toContain('[matched_id_or_null, duplicate_boolean]');
  });

  it('accepts {duplicate, matched_id}; prose or another shape is not a duplicate', async () => {
    const judge = createLlmDuplicateJudge(llm);
    fake.script.chat({ content: '{"duplicate": true, "matched_id": "existing"}' }, { content: 'Yes, they are the same.' }, { content: '{"same": true}' });
    await expect(judge('a', 'b')).resolves.toBe(true);
    await expect(judge('a', 'b')).resolves.toBe(false);
    await expect(judge('a', 'b')).resolves.toBe(false);
  });

  it('a failing model rejects at once (one attempt), which the deduper counts as a judge failure (not a duplicate)', async () => {
    fake.script.chat({ error: 503 });
    const judge = createLlmDuplicateJudge(llm);
    await expect(judge('a', 'b')).rejects.toMatchObject({ kind: 'unreachable' });
    expect(chats()).toHaveLength(1);

    fake.script.chat({ error: 500 });
    const registry = new TaskRegistryService();
    registry.create({ type: 'browser_use', params: { instruction: 'play some jazz music' }, lanlan_name: '小天' });
    const deduper = new TaskDeduper({ judge });
    expect(await deduper.check('play some music', '小天', registry.list())).toMatchObject({ duplicate: false, decided_by: 'judge', judge_failures: 1 });

    fake.script.chat({ content: '["existing", true]' });
    expect(await deduper.check('play some music', '小天', registry.list())).toMatchObject({ duplicate: true, decided_by: 'judge' });
  });

  it('stops the model call when the deduper gives up on it', async () => {
    fake.script.chat({ content: '["existing", true]', delayMs: 30_000 });
    const failures: unknown[] = [];
    const llmJudge = createLlmDuplicateJudge(llm);
    const judge: DuplicateJudge = (a, b, signal) =>
      llmJudge(a, b, signal).catch((e: unknown) => {
        failures.push(e);
        throw e;
      });
    const registry = new TaskRegistryService();
    registry.create({ type: 'browser_use', params: { instruction: 'play some jazz music' }, lanlan_name: '小天' });
    const deduper = new TaskDeduper({ judge, judgeTimeoutMs: 100 });
    expect(await deduper.check('play some music', '小天', registry.list())).toMatchObject({ duplicate: false, judge_failures: 1 });
    await until(() => failures.length === 1);
    expect(failures[0]).toMatchObject({ kind: 'aborted' });
  });

  it('cuts long descriptions in code points without splitting characters', () => {
    const user = judgeMessages('😀'.repeat(1000), 'b')[1].content as string;
    expect(user).toContain(`New task:\n${'😀'.repeat(JUDGE_TEXT_LIMIT - 1)}…\n`);
  });

  it('reads verdicts tolerantly', () => {
    expect(readJudgeVerdict(['x', 'true'])).toBe(true);
    expect(readJudgeVerdict([true])).toBe(false);
    expect(readJudgeVerdict({ duplicate: 'false' })).toBe(false);
    expect(readJudgeVerdict([null, 'yes'])).toBe(true); // the same spellings as the analyzer's fields
    expect(readJudgeVerdict(null)).toBe(false);
  });
});
