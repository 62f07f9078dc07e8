import { TaskRegistryService } from '../tasks/task-registry.service';
import { JUDGE_TIMEOUT_MS, RECENT_COMPLETED_WINDOW_MS, TaskDeduper, taskDescription, type DuplicateJudge } from './task.deduper';

function setup(judge?: DuplicateJudge, judgeTimeoutMs?: number) {
  let now = Date.parse('2026-12-01T10:00:00.000Z');
  const clock = () => new Date(now);
  const registry = new TaskRegistryService(clock);
  const deduper = new TaskDeduper({ judge, judgeTimeoutMs, clock });
  /** The flow the bridge will use: check against the registry, create only when not a duplicate. */
  const submit = async (instruction: string, lanlan: string | null = '小天') => {
    const verdict = await deduper.check(instruction, lanlan, registry.list());
    return verdict.duplicate ? verdict : registry.create({ type: 'browser_use', params: { instruction }, lanlan_name: lanlan });
  };
  return { registry, deduper, submit, advance: (ms: number) => (now += ms) };
}

describe('TaskDeduper', () => {
  it('turns near-duplicate zh and en requests within the window into one task each, different ones into two', async () => {
    const { registry, submit } = setup();
    await submit('请帮我打开浏览器搜索一下今天的天气');
    const dup = await submit('打开浏览器，搜索今天的天气！');
    expect(dup).toMatchObject({ duplicate: true, decided_by: 'text' });
    await submit("Open the browser and search for today's weather");
    await submit("please open the browser and search today's weather");
    await submit('打开记事本写一首诗');
    await submit('Send an email to Bob about the meeting');
    expect(registry.list().map((t) => taskDescription(t))).toEqual([
      'Send an email to Bob about the meeting',
      '打开记事本写一首诗',
      "Open the browser and search for today's weather",
      '请帮我打开浏览器搜索一下今天的天气',
    ]);
  });

  it('compares with completed tasks only within the recent window, and never with failed ones', async () => {
    const { registry, submit, advance } = setup();
    const first = registry.create({ type: 'mcp', params: { query: 'what time is it in Tokyo' }, lanlan_name: '小天' });
    registry.start(first.id);
    registry.complete(first.id);
    advance(RECENT_COMPLETED_WINDOW_MS - 1000);
    expect(await submit('What time is it in Tokyo?')).toMatchObject({ duplicate: true, matched_id: first.id });
    advance(2000);
    expect(await submit('What time is it in Tokyo?')).toHaveProperty('id');
    const failed = registry.create({ type: 'mcp', params: { query: '截个屏保存到桌面' }, lanlan_name: '小天' });
    registry.fail(failed.id, 'no display');
    expect(await submit('截个屏保存到桌面')).toHaveProperty('id');
  });

  it('only compares with the same character or tasks of no character', async () => {
    const { registry, deduper } = setup();
    registry.create({ type: 'browser_use', params: { instruction: 'open the news site' }, lanlan_name: '阿明' });
    expect((await deduper.check('open the news site', '小天', registry.list())).duplicate).toBe(false);
    registry.create({ type: 'browser_use', params: { instruction: 'open the news site' }, lanlan_name: null });
    expect((await deduper.check('open the news site', '小天', registry.list())).duplicate).toBe(true);
  });

  it('asks the judge only for close calls and believes it', async () => {
    const asked: [string, string][] = [];
    const judge: DuplicateJudge = (a, b) => {
      asked.push([a, b]);
      return Promise.resolve(b.includes('jazz'));
    };
    const { registry, submit } = setup(judge);
    await submit('play some jazz music');
    expect(await submit('play some music')).toMatchObject({ duplicate: true, decided_by: 'judge' });
    expect(asked).toEqual([['play some music', 'play some jazz music']]);
    await submit('帮我订一张去上海的机票');
    expect(await submit('帮我订一张去北京的机票')).toHaveProperty('id');
    expect(asked).toHaveLength(2);
    await submit('Send an email to Bob about the meeting');
    expect(asked).toHaveLength(2);
    expect(registry.list()).toHaveLength(4);
  });

  it('keeps close calls without a judge, and different numbers are never a text duplicate', async () => {
    const { registry, submit } = setup();
    await submit('play some jazz music');
    await submit('play some music');
    await submit('set a timer for 5 minutes');
    await submit('set a timer for 10 minutes');
    expect(registry.list()).toHaveLength(4);
  });

  it('counts a failing or slow judge as "not a duplicate"', async () => {
    const slow = setup(() => new Promise<boolean>(() => undefined), 20);
    await slow.submit('play some jazz music');
    expect(await slow.deduper.check('play some music', '小天', slow.registry.list())).toMatchObject({ duplicate: false, judge_failures: 1 });
    const broken = setup(() => {
      throw new Error('LLM down');
    });
    await broken.submit('play some jazz music');
    expect(await broken.deduper.check('play some music', '小天', broken.registry.list())).toMatchObject({ duplicate: false, judge_failures: 1 });
    expect(JUDGE_TIMEOUT_MS).toBeGreaterThan(0);
  });

  it('says "none" when there is nothing to compare, and survives bad input', async () => {
    const { deduper, registry } = setup();
    expect(await deduper.check('anything', '小天', [])).toMatchObject({ duplicate: false, decided_by: 'none' });
    registry.create({ type: 'mcp', params: { query: 42 } });
    expect(await deduper.check(undefined as unknown as string, null, registry.list())).toMatchObject({ duplicate: false, decided_by: 'none' });
  });
});
