import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CHAT_MODEL, ChatModelError, type ChatModelPort } from '../../src/memory/compression/chat-model.port';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { waitFor } from '../support/free-port';
import { inputHistory, startMemoryApp, type MemoryHarness } from '../support/memory-app.harness';

process.env.NEKO_LANGUAGE = 'zh';

const recentFile = (m: MemoryHarness, name = '小天') => JSON.parse(readFileSync(join(m.root, 'memory', `recent_${name}.json`), 'utf8'));
const originals = (m: MemoryHarness, name = '小天') => {
  const db = new Database(join(m.root, 'memory', `time_indexed_${name}`), { readonly: true });
  try {
    return db.prepare('SELECT session_id, message, timestamp FROM time_indexed_original ORDER BY id').all() as Array<{ session_id: string; message: string; timestamp: string }>;
  } finally {
    db.close();
  }
};

describe('memory server wire API (N.E.K.O. V1) without a language model', () => {
  let m: MemoryHarness;
  beforeEach(async () => {
    m = await startMemoryApp();
  });
  afterEach(async () => {
    await m.idle();
    await m.close();
  });

  it('/process stores the turns durably before answering', async () => {
    const res = await m.post('/process/小天', inputHistory([['user', '我的猫叫麻薯'], ['assistant', '[20251212 Fri 21:03] 麻薯好可爱（摇尾巴）']]));
    expect(res).toEqual({ status: 200, json: { status: 'processed' } });
    const file = recentFile(m);
    expect(file).toHaveLength(5);
    expect(file[3]).toEqual({
      type: 'human',
      data: { content: [{ type: 'text', text: '我的猫叫麻薯' }], additional_kwargs: {}, response_metadata: {}, type: 'human', name: null, id: null, example: false },
    });
    expect(file[4].data).toMatchObject({ type: 'ai', tool_calls: [], invalid_tool_calls: [], usage_metadata: null });
    const rows = originals(m);
    expect(rows.map((r) => JSON.parse(r.message).data.content[0].text)).toEqual(['我的猫叫麻薯', '[20251212 Fri 21:03] 麻薯好可爱（摇尾巴）']);
    expect(rows[0].session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0].timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('/new_dialog renders the V1 layout exactly, with a gap line after a long pause', async () => {
    m.setNow(new Date(2026, 10, 24, 21, 30));
    let res = await m.get('/new_dialog/小天');
    expect(res.type).toBe('text/plain; charset=utf-8');
    const settings = '{"小天": {"最喜欢的食物": "小鱼干", "性别": "女", "年龄": 15, "昵称": "T酱, 小T", "口头禅": "喵~", "身高": 152}, "阿明": {"职业": "程序员", "档案名": "阿明", "性别": "男", "昵称": "明明, 主人", "生日": "3月14日", "喜好": "猫、咖啡和深夜的游戏"}}';
    const head = `\n======以下是小天的内心活动======\n小天的脑海里经常想着自己和阿明的事情，她记得${settings}\n\n现在时间是Tuesday, November 24, 2026 at 09:30 PM。开始聊天前，小天又在脑海内整理了近期发生的事情。\n`;
    const lines = 'SYSTEM_MESSAGE | 先前对话的备忘录: 阿明喜欢猫和咖啡。\n阿明 | 今天好累啊\n小天 | 辛苦啦，喝杯咖啡休息一下喵~\n';
    expect(res.body).toBe(head + lines);

    await m.post('/process/小天', inputHistory([['user', '晚安'], ['assistant', '[20261124 Tue 15:00] 晚安喵（挥手）']]));
    m.setNow(new Date(Date.now() + 6 * 3600_000 + 5 * 60_000));
    res = await m.get('/new_dialog/小天');
    expect(res.body).toMatch(/。开始聊天前，小天又在脑海内整理了近期发生的事情。\n现在的时间是\d{4}-\d\d-\d\d \d\d:\d\d。距离上次与阿明聊天已经过去了6小时5分钟。[^\n]*\n/);
    expect(res.body.endsWith('阿明 | 晚安\n小天 | 晚安喵\n')).toBe(true);
  });

  it('/new_dialog answers an empty body for an unknown character', async () => {
    expect(await m.get('/new_dialog/没有这个人')).toMatchObject({ status: 200, body: '' });
  });

  it('text endpoints answer JSON strings as FastAPI did', async () => {
    const settings = await m.get('/get_settings/小天');
    expect(settings.type).toContain('application/json');
    expect(JSON.parse(settings.body)).toMatch(/^小天记得\{"小天": \{"最喜欢的食物": "小鱼干"/);
    expect(JSON.parse((await m.get('/get_settings/路人')).body)).toBe('路人记得{}');
    expect(JSON.parse((await m.get('/get_recent_history/路人')).body)).toBe('开始聊天前，没有历史记录。\n');
    expect(JSON.parse((await m.get('/get_recent_history/小天')).body)).toBe(
      '开始聊天前，小天又在脑海内整理了近期发生的事情。\n先前对话的备忘录: 阿明喜欢猫和咖啡。\n阿明 | 今天好累啊\n小天 | 辛苦啦，喝杯咖啡休息一下喵~\n',
    );
  });

  it('validates names (400), bodies (422) and payloads (status error)', async () => {
    expect(await m.post('/process/a..b', inputHistory([]))).toEqual({ status: 400, json: { detail: 'Invalid characters in lanlan_name' } });
    expect(await m.post(`/process/${'长'.repeat(51)}`, inputHistory([]))).toEqual({ status: 400, json: { detail: 'Invalid lanlan_name length' } });
    expect(await m.post('/process/小天', {})).toEqual({
      status: 422,
      json: { detail: [{ type: 'missing', loc: ['body', 'input_history'], msg: 'Field required', input: {} }] },
    });
    const bad = await m.post('/renew/小天', { input_history: '[{"role": "robot", "content": "x"}]' });
    expect(bad.json).toEqual({ status: 'error', message: 'message 0 has an unknown role "robot"' });
    expect(await m.post('/cache/小天', { input_history: '[]' })).toEqual({ status: 200, json: { status: 'cached', count: 0 } });
  });

  it('keeps recent memory bounded with an extractive memo when no model is configured', async () => {
    const turns: Array<['user' | 'assistant', string]> = [];
    for (let i = 1; i <= 6; i++) turns.push(['user', `第${i}个问题`], ['assistant', `第${i}个回答`]);
    await m.post('/process/小天', inputHistory(turns));
    await m.idle();
    const file = recentFile(m);
    expect(file).toHaveLength(10);
    expect(file[0].data.content).toMatch(/^先前对话的备忘录: （摘录）阿明喜欢猫和咖啡。/);
    expect(file[0].data.content).toContain('阿明: 第2个问题');
    expect(file[1].data.content[0].text).toBe('第2个回答');
    expect(file[9].data.content[0].text).toBe('第6个回答');
    const db = new Database(join(m.root, 'memory', 'time_indexed_小天'), { readonly: true });
    const summary = db.prepare('SELECT message FROM time_indexed_compressed').get() as { message: string };
    db.close();
    expect(JSON.parse(summary.message).data.content).toMatch(/^（摘录）阿明: 第1个问题/);
  });

  it('loses nothing under 100 concurrent /process calls for one character', async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => m.post('/process/小天', inputHistory([['user', `u${i}`], ['assistant', `a${i}`]]))));
    await m.idle();
    const rows = originals(m);
    expect(rows).toHaveLength(200);
    const texts = new Set(rows.map((r) => JSON.parse(r.message).data.content[0].text));
    for (let i = 0; i < 100; i++) expect(texts.has(`u${i}`) && texts.has(`a${i}`)).toBe(true);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(100);
    expect(recentFile(m)).toHaveLength(10);
  }, 60_000);
});

describe('memory server with a summary and a review model', () => {
  let fake: FakeOpenAi;
  let m: MemoryHarness;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    m = await startMemoryApp({ llmBaseUrl: fake.baseUrl });
  });
  afterEach(async () => {
    await m.idle();
    await m.close();
    await fake.close();
  });

  it('compresses with the summary model, stores the session summary, then reviews', async () => {
    fake.script.chat(
      { content: '```json\n{"对话摘要": "阿明养了一只叫麻薯的猫。"}\n```' },
      { content: '{"对话摘要": "阿明说猫叫麻薯，小天觉得很可爱。"}' },
      { content: '{"事实": ["阿明养了一只叫麻薯的猫", "  "]}' },
      { content: JSON.stringify({ 修正说明: '删除了重复', 修正后的对话: [{ role: 'SYSTEM_MESSAGE', content: '先前对话的备忘录: 阿明养了一只叫麻薯的猫。' }, { role: '阿明', content: '我的猫叫麻薯' }, { role: '小天', content: '麻薯好可爱' }] }) },
    );
    const turns: Array<['user' | 'assistant', string]> = [];
    for (let i = 1; i <= 4; i++) turns.push(['user', `我的猫叫麻薯${i}`], ['assistant', `麻薯好可爱${i}`]);
    await m.post('/process/小天', inputHistory(turns));
    await m.idle();
    await new Promise((r) => setTimeout(r, 50));
    const calls = fake.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(calls.map((c) => c.body?.model)).toEqual(['fake-summary', 'fake-summary', 'fake-summary', 'fake-correction']);
    expect(calls[0].body?.temperature).toBe(0.3);
    expect(calls[3].body?.temperature).toBe(0.1);
    const facts = await m.call('GET', '/api/memory/小天/facts');
    expect(facts.json.items.map((f: { text: string }) => f.text)).toEqual(['阿明养了一只叫麻薯的猫']);
    const found = await m.call('GET', '/api/memory/小天/search?q=麻薯');
    expect(found.json.results.map((r: { kind: string }) => r.kind)).toContain('fact');
    const file = recentFile(m);
    expect(file.map((e: { type: string; data: { content: unknown } }) => [e.type, e.data.content])).toEqual([
      ['system', '先前对话的备忘录: 阿明养了一只叫麻薯的猫。'],
      ['human', '我的猫叫麻薯'],
      ['ai', '麻薯好可爱'],
    ]);
  });

  it('never lets a review overwrite turns that arrived meanwhile', async () => {
    fake.script.chat(
      { content: '{"对话摘要": "x"}' },
      { content: '{"事实": []}' },
      { content: JSON.stringify({ 修正说明: 'ok', 修正后的对话: [{ role: '阿明', content: '改过的' }] }), delayMs: 300 },
    );
    await m.post('/process/小天', inputHistory([['user', '第一句']]));
    // The review has read the history and is waiting for the model: now a new turn arrives.
    await waitFor(() => fake.requests.some((r) => r.body?.model === 'fake-correction'), 'the review request');
    await m.post('/cache/小天', inputHistory([['user', '评审期间新来的']]));
    await waitFor(() => readFileSync(join(m.root, 'memory', 'recent_小天.json'), 'utf8').includes('改过的'), 'the review result', 5000);
    const texts = recentFile(m).map((e: { data: { content: unknown } }) => JSON.stringify(e.data.content));
    expect(texts).toEqual(['"改过的"', '[{"type":"text","text":"评审期间新来的"}]']);
  });

  it('asks the summary model for search keywords when no embedding model votes', async () => {
    fake.script.chat({ content: '{"对话摘要": "x"}' }, { content: '{"事实": []}' }, { content: '{"修正说明": "", "修正后的对话": []}' });
    await m.post('/process/小天', inputHistory([['user', 'I adopted a puppy from the shelter']]));
    await waitFor(() => fake.requests.some((r) => r.body?.model === 'fake-correction'), 'the review request');
    await m.idle();
    expect((await m.call('GET', '/api/memory/小天/search?q=any%20new%20pets%3F')).json.results).toEqual([]);
    fake.script.chat({ content: '{"关键词": ["dog", "puppy", "小狗"]}' });
    const res = await m.call('GET', '/api/memory/小天/search?q=did%20he%20get%20a%20pet%3F');
    expect(res.json.results[0].text).toBe('I adopted a puppy from the shelter');
    const last = fake.requests.filter((r) => r.path === '/v1/chat/completions').at(-1);
    expect(last?.body).toMatchObject({ model: 'fake-summary', temperature: 0 });
  });

  it('aborts a model call through its own signal and leaves no listener on the caller\'s signal', async () => {
    const model = m.app.get<ChatModelPort>(CHAT_MODEL);
    fake.script.chat({ content: 'ok' }, { content: 'slow', delayMs: 3000 });
    const caller = new AbortController();
    expect(await model.complete('summary', [{ role: 'user', content: 'hi' }], { temperature: 0, signal: caller.signal })).toBe('ok');
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    const started = Date.now();
    const slow = model.complete('summary', [{ role: 'user', content: 'hi' }], { temperature: 0, signal: caller.signal });
    setTimeout(() => caller.abort(), 100);
    await expect(slow).rejects.toBeInstanceOf(ChatModelError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('/new_dialog cancels a running review', async () => {
    fake.script.chat({ content: '{"对话摘要": "x"}' }, { content: '{"事实": []}' }, { content: '{"修正说明": "", "修正后的对话": []}', delayMs: 2000 });
    await m.post('/process/小天', inputHistory([['user', '你好']]));
    await new Promise((r) => setTimeout(r, 300));
    const before = readFileSync(join(m.root, 'memory', 'recent_小天.json'), 'utf8');
    expect((await m.get('/new_dialog/小天')).status).toBe(200);
    expect(await m.post('/cancel_correction/小天', {})).toEqual({ status: 200, json: { status: 'no_task' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(join(m.root, 'memory', 'recent_小天.json'), 'utf8')).toBe(before);
  });
});
