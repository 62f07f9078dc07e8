import { comparable, coveredBy, hitKey, isTrivialQuery, renderRecallBlock, selectHits, type RecallHit } from './recall-block.format';

const hit = (id: number, text: string, timestamp: string | null = '2026-11-03 20:15:00.000000', kind = 'turn', speaker = '阿明'): RecallHit => ({ id, kind, text, speaker, timestamp });

describe('recall block', () => {
  it('skips greetings, fillers and very short queries', () => {
    for (const q of ['你好！', '嗯', '哈哈哈哈', 'ok', 'Hi!', '  ', '😸', '晚安~', 'Thank you']) expect(isTrivialQuery(q)).toBe(true);
    for (const q of ['我的猫叫什么', 'what did I say about Shanghai', '麻薯']) expect(isTrivialQuery(q)).toBe(false);
  });

  it('renders dated lines oldest first under a header that says what they are', () => {
    const { block, shown } = renderRecallBlock('小天', '阿明', [
      hit(2, '[20261110 Tue 21:03] 麻薯今天又打翻了水杯（笑）', '2026-11-10 21:03:00.000000', 'turn', '小天'),
      hit(8, '阿明: 猫呢 / 小天: [20261001 Thu 09:00] 在睡觉', '2026-10-01 09:30:00.000000', 'summary', 'SYSTEM_MESSAGE'),
      hit(1, '我的猫叫麻薯'),
      hit(7, '阿明和小天聊了猫。', '2026-10-01 09:00:00.000000', 'summary', 'SYSTEM_MESSAGE'),
      hit(3, '阿明喜欢咖啡', null, 'fact', 'SYSTEM_MESSAGE'),
    ]);
    expect(shown.map(hitKey)).toEqual(['fact:3', 'summary:7', 'summary:8', 'turn:1', 'turn:2']);
    const lines = block.split('\n');
    expect(lines[0]).toBe('========小天想起的往事========');
    expect(lines[1]).toMatch(/^（小天和阿明以前的相关记忆.*older memories/);
    expect(lines.slice(2)).toEqual([
      '[????-??-??] 已知 | 阿明喜欢咖啡',
      '[2026-10-01] 往事摘要 | 阿明和小天聊了猫。',
      '[2026-10-01] 往事摘要 | 阿明: 猫呢 / 小天: 在睡觉',
      '[2026-11-03] 阿明 | 我的猫叫麻薯',
      '[2026-11-10] 小天 | 麻薯今天又打翻了水杯（笑）',
      '',
    ]);
  });

  it('keeps the block within its bounds', () => {
    const many = Array.from({ length: 12 }, (_, i) => hit(i, `${'很长的记忆'.repeat(100)}${i}`));
    const { block, shown } = renderRecallBlock('小天', '阿明', many);
    expect([...block].length).toBeLessThanOrEqual(1200);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(5);
    for (const l of block.split('\n').slice(2, -1)) expect([...l].length).toBeLessThanOrEqual(300 + 20);
    expect(block).toContain('…');
    const tight = renderRecallBlock('小天', '阿明', [hit(1, 'x'.repeat(500))], { maxHits: 5, maxChars: 100, maxHitChars: 300 });
    expect(tight).toEqual({ block: '', shown: [] });
  });

  it('selects new hits only: not given before, not in the context, no repeats', () => {
    const hits = [hit(1, '我的猫叫麻薯'), hit(2, '[20261124 Tue 15:00] 晚安喵（挥手）', null, 'turn', '小天'), hit(3, '我的猫叫 麻薯'), hit(4, '周末去爬山'), hit(5, '喜欢草莓蛋糕'), hit(6, '')];
    const context = '阿明 | 今天好累啊\n小天 | 晚安喵\n';
    expect(selectHits(hits, new Set(['turn:4']), context).map((h) => h.id)).toEqual([1, 5]);
    expect(selectHits(hits, new Set(), '', { maxHits: 2, maxChars: 1200, maxHitChars: 300 }).map((h) => h.id)).toEqual([1, 2]);
    expect(comparable('[20261124 Tue 15:00] 晚安喵（挥手） ')).toBe('晚安喵');
    // A summary quoting a chosen turn, and anything from a session whose turns the context holds, are left out.
    const session = [
      { ...hit(10, '我的猫叫麻薯'), sessionId: 'a' },
      { ...hit(11, '（摘录）阿明: 我的猫叫麻薯 / 小天: 好可爱', null, 'summary', 'SYSTEM_MESSAGE'), sessionId: 'a' },
      { ...hit(12, '晚安喵'), sessionId: 'b' },
      { ...hit(13, '阿明: 晚安 / 小天: 晚安喵', null, 'summary', 'SYSTEM_MESSAGE'), sessionId: 'b' },
    ];
    expect(selectHits(session, new Set(), context).map((h) => h.id)).toEqual([10]);
    expect(coveredBy(session, [session[0]]).map((h) => h.id)).toEqual([10, 11]);
  });
});
