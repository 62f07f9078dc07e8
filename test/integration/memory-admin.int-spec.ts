import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputHistory, startMemoryApp, type MemoryHarness } from '../support/memory-app.harness';

// Cold starts (Nest, SQLite, LanceDB) take several seconds when other suites run in parallel.
jest.setTimeout(30_000);

describe('memory admin API (list, raw recent file, rename, remove)', () => {
  let m: MemoryHarness;
  const mem = (f: string) => join(m.root, 'memory', f);
  beforeEach(async () => {
    m = await startMemoryApp();
    await m.post('/process/小天', inputHistory([['user', '小天: 今天吃什么'], ['assistant', '[小天] 吃小鱼干喵']]));
    await m.idle();
  });
  afterEach(async () => {
    await m.idle();
    await m.close();
  });

  it('lists characters with a recent file and serves the raw file', async () => {
    writeFileSync(mem('recent_bad..name.json'), '[]');
    const list = await m.call('GET', '/api/memory');
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ characters: [{ name: '小天', recent_file: 'recent_小天.json', recent_entries: 5 }] });
    const raw = await m.call('GET', '/api/memory/小天/recent/file');
    expect(raw.json.content).toBe(readFileSync(mem('recent_小天.json'), 'utf8'));
    expect(await m.call('GET', '/api/memory/Luna/recent/file')).toEqual({ status: 404, json: { success: false, error: '文件不存在' } });
  });

  it('writes the recent file in LangChain shape and validates the chat', async () => {
    const put = await m.call('PUT', '/api/memory/Luna/recent/file', { chat: [{ role: 'system', text: '先前对话的备忘录: 无。' }, { role: 'human', text: '你好' }, { role: 'ai' }] });
    expect(put).toEqual({ status: 200, json: { success: true } });
    const file = JSON.parse(readFileSync(mem('recent_Luna.json'), 'utf8'));
    expect(file[1]).toEqual({ type: 'human', data: { content: '你好', additional_kwargs: {}, response_metadata: {}, type: 'human', name: null, id: null, example: false } });
    expect(file[2].data).toMatchObject({ content: '', type: 'ai', tool_calls: [], invalid_tool_calls: [], usage_metadata: null });
    expect((await m.call('PUT', '/api/memory/Luna/recent/file', { chat: [{ role: 'robot', text: 'x' }] })).status).toBe(422);
    expect((await m.call('PUT', '/api/memory/Luna/recent/file', { chat: 'x' })).status).toBe(422);
  });

  it('renames every layer and rewrites names inside the recent and settings files', async () => {
    const before = await m.call('GET', '/api/memory/小天/turns');
    expect(before.json.total).toBe(2);
    expect(existsSync(mem('time_indexed_小天'))).toBe(true);
    const res = await m.call('POST', '/api/memory/小天/rename', { new_name: '小白' });
    expect(res).toEqual({ status: 200, json: { success: true } });
    const files = readdirSync(join(m.root, 'memory'));
    expect(files.filter((f) => f.includes('小天'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['recent_小白.json', 'settings_小白.json', 'time_indexed_小白', 'semantic_memory_小白']));
    const recent = readFileSync(mem('recent_小白.json'), 'utf8');
    expect(recent).toContain('小白: 今天吃什么');
    expect(recent).toContain('[小白] 吃小鱼干喵');
    expect(JSON.parse(readFileSync(mem('settings_小白.json'), 'utf8'))).toEqual({ 小白: { 最喜欢的食物: '小鱼干' }, 阿明: { 职业: '程序员' } });
    // The time index moved with its contents and is usable under the new name.
    expect((await m.call('GET', '/api/memory/小白/turns')).json.total).toBe(2);
    expect((await m.call('GET', '/api/memory/小天/turns')).json.total).toBe(0);
    const found = await m.call('GET', '/api/memory/小白/search?q=今天吃什么');
    expect(found.json.results.map((r: { text: string }) => r.text)).toContain('小天: 今天吃什么');
    // New turns under the new name land in the moved store.
    await m.post('/process/小白', inputHistory([['user', '改名了'], ['assistant', '好的']]));
    expect((await m.call('GET', '/api/memory/小白/turns')).json.total).toBe(4);
    expect(existsSync(mem('time_indexed_小天'))).toBe(false);
  });

  it('ignores stale SQLite side files left by a target that no longer exists', async () => {
    writeFileSync(mem('time_indexed_小白-wal'), 'stale');
    expect((await m.call('POST', '/api/memory/小天/rename', { new_name: '小白' })).status).toBe(200);
    expect(existsSync(mem('time_indexed_小白-wal')) && readFileSync(mem('time_indexed_小白-wal'), 'utf8') === 'stale').toBe(false);
    expect((await m.call('GET', '/api/memory/小白/turns')).json.total).toBe(2);
  });

  it('answers 404 without memory, 409 when the target has memory, 400 for bad names', async () => {
    expect(await m.call('POST', '/api/memory/Nobody/rename', { new_name: 'X' })).toEqual({ status: 404, json: { success: false, error: '记忆文件不存在: recent_Nobody.json' } });
    await m.call('PUT', '/api/memory/Luna/recent/file', { chat: [] });
    expect((await m.call('POST', '/api/memory/小天/rename', { new_name: 'Luna' })).status).toBe(409);
    expect((await m.call('POST', '/api/memory/小天/rename', { new_name: '../x' })).status).toBe(400);
    expect((await m.call('POST', '/api/memory/小天/rename', {})).status).toBe(422);
    expect((await m.call('POST', '/api/memory/小天/rename', { new_name: '小天' })).status).toBe(400);
    expect(existsSync(mem('recent_小天.json'))).toBe(true);
  });

  it('removes every layer and is idempotent', async () => {
    const res = await m.call('DELETE', '/api/memory/小天');
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(true);
    expect(res.json.removed).toEqual(expect.arrayContaining(['recent_小天.json', 'settings_小天.json', 'time_indexed_小天', 'semantic_memory_小天']));
    expect(readdirSync(join(m.root, 'memory')).filter((f) => f.includes('小天'))).toEqual([]);
    expect(await m.call('DELETE', '/api/memory/小天')).toEqual({ status: 200, json: { success: true, removed: [] } });
    // A new memory under the same name starts empty.
    await m.post('/process/小天', inputHistory([['user', '重新开始'], ['assistant', '好的']]));
    expect((await m.call('GET', '/api/memory/小天/turns')).json.total).toBe(2);
  });
});
