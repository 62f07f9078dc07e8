import { agentReportPrompt, agentResultLine, buildSessionPrompt, clockText, hotSwapPrime, preface, renderLines } from './session-prompt.builder';

describe('session prompt (spec §10.1)', () => {
  it('concatenates preface, character prompt and memory context without separators', () => {
    const prompt = buildSessionPrompt({ lanlanName: '小天', characterPrompt: 'CHAR.', memoryContext: 'MEM.', agentMode: false });
    expect(prompt).toBe(`${preface('小天', false)}CHAR.MEM.`);
    expect(prompt).toContain('（小天）');
  });

  it('adds the computer-use sentence in agent mode and the cached lines', () => {
    expect(preface('小天', true)).toContain('我试试');
    expect(preface('小天', false)).not.toContain('我试试');
    const prompt = buildSessionPrompt({ lanlanName: 'L', characterPrompt: 'C', memoryContext: 'M', agentMode: true, cachedLines: '阿明 | 你好\n' });
    expect(prompt.endsWith('CM阿明 | 你好\n')).toBe(true);
  });

  it('renders cache lines as "<speaker> | <text>\\n"', () => {
    expect(renderLines([{ speaker: '阿明', text: '在吗' }, { speaker: '小天', text: '在喵' }])).toBe('阿明 | 在吗\n小天 | 在喵\n');
    expect(renderLines([])).toBe('');
  });
});

describe('hot-swap prime (spec §5.7 step 5)', () => {
  const now = new Date(2026, 11, 1, 9, 5);
  it('recent lines then the recap sentence, skipped', () => {
    const prime = hotSwapPrime({ lanlanName: '小天', masterName: '阿明', recent: [{ speaker: '阿明', text: '晚安' }], extraReplies: [], now });
    expect(prime).toEqual({ text: 'SYSTEM_MESSAGE | 阿明 | 晚安\n=======以上为前情概要。现在请小天准备，即将开始用语音与阿明继续对话。\n', skipped: true });
  });

  it('the time announcement when nothing was said', () => {
    expect(clockText(now)).toBe('2026-12-01 09:05');
    const prime = hotSwapPrime({ lanlanName: '小天', masterName: '阿明', recent: [], extraReplies: [], now });
    expect(prime.text.startsWith('SYSTEM_MESSAGE | 系统自动报时，当前时间： 2026-12-01 09:05')).toBe(true);
  });

  it('with agent results: asks for the report (not skipped), one "- " line per result, no recap sentence', () => {
    const prime = hotSwapPrime({ lanlanName: '小天', masterName: '阿明', recent: [], extraReplies: ['✅ 文件整理好了', '❌ 打不开网页'], now });
    expect(prime.skipped).toBe(false);
    expect(prime.text).toContain('- ✅ 文件整理好了\n- ❌ 打不开网页\n');
    expect(prime.text).not.toContain('前情概要');
  });
});

describe('agent result report', () => {
  it('marks the status and adds the detail only when it says more', () => {
    expect(agentResultLine({ status: 'completed', summary: '任务已完成', detail: '任务已完成' })).toBe('✅ 任务已完成');
    expect(agentResultLine({ status: 'partial', summary: '做了一半', detail: '做了一半：第二步失败了' })).toBe('⚠️ 做了一半\n详细结果：做了一半：第二步失败了');
    expect(agentResultLine({ status: 'failed', summary: '任务执行失败', detail: '' })).toBe('❌ 任务执行失败');
    const prompt = agentReportPrompt('阿明', [{ status: 'completed', summary: 'A', detail: '' }, { status: 'failed', summary: 'B', detail: '' }]);
    expect(prompt).toContain('✅ A\n❌ B\n');
    expect(prompt).toContain('阿明');
  });
});
