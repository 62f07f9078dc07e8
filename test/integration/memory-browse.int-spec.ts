import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputHistory, startMemoryApp, type MemoryHarness } from '../support/memory-app.harness';


describe('memory JSON API (browse, correct, search, forget)', () => {
  let m: MemoryHarness;
  beforeEach(async () => {
    m = await startMemoryApp();
    await m.post('/process/小天', inputHistory([['user', '我的生日是三月十四日'], ['assistant', '记住啦，三月十四日']]));
    await m.post('/process/小天', inputHistory([['user', 'I moved to Shanghai last spring'], ['assistant', 'Shanghai must be exciting']]));
    await m.idle();
  });
  afterEach(async () => {
    await m.idle();
    await m.close();
  });

  it('lists turns newest first, pages them, and filters by session', async () => {
    const page = await m.call('GET', '/api/memory/小天/turns?limit=3');
    expect(page.status).toBe(200);
    expect(page.json.total).toBe(4);
    expect(page.json.items.map((i: { text: string }) => i.text)).toEqual(['Shanghai must be exciting', 'I moved to Shanghai last spring', '记住啦，三月十四日']);
    expect(page.json.items[1]).toMatchObject({ type: 'human', speaker: '阿明' });
    const session = page.json.items[0].sessionId as string;
    const bySession = await m.call('GET', `/api/memory/小天/turns?session=${session}&order=asc`);
    expect(bySession.json.items.map((i: { text: string }) => i.text)).toEqual(['I moved to Shanghai last spring', 'Shanghai must be exciting']);
    const summaries = await m.call('GET', '/api/memory/小天/summaries');
    expect(summaries.json.total).toBe(2);
  });

  it('searches with ranked results that name their retrievers', async () => {
    const res = await m.call('GET', '/api/memory/小天/search?q=where%20does%20he%20live%20now%3F%20Shanghai&k=3');
    expect(res.json.results[0]).toMatchObject({ kind: 'turn', speaker: expect.any(String), retrievers: ['lexical'] });
    expect(res.json.results.map((r: { text: string }) => r.text)).toContain('I moved to Shanghai last spring');
  });

  it('corrects a turn (search follows) and forgets one from every layer', async () => {
    const list = await m.call('GET', '/api/memory/小天/turns?order=asc');
    const birthday = list.json.items[0];
    const edited = await m.call('PATCH', `/api/memory/小天/turns/${birthday.id}`, { text: '我的生日是四月一日' });
    expect(edited.json).toMatchObject({ id: birthday.id, text: '我的生日是四月一日', type: 'human' });
    expect((await m.call('GET', '/api/memory/小天/search?q=四月')).json.results[0].text).toBe('我的生日是四月一日');

    const moved = list.json.items[2];
    expect(await m.call('DELETE', `/api/memory/小天/turns/${moved.id}`)).toEqual({ status: 200, json: { success: true } });
    expect((await m.call('GET', '/api/memory/小天/search?q=moved%20Shanghai')).json.results.map((r: { text: string }) => r.text)).not.toContain('I moved to Shanghai last spring');
    expect((await m.call('GET', `/api/memory/小天/turns/${moved.id}`)).status).toBe(404);
    expect(readFileSync(join(m.root, 'memory', 'recent_小天.json'), 'utf8')).not.toContain('I moved to Shanghai');
  });

  it('edits, deletes and replaces recent entries', async () => {
    const before = (await m.call('GET', '/api/memory/小天/recent')).json.entries;
    expect(before[0]).toEqual({ index: 0, type: 'system', speaker: 'SYSTEM_MESSAGE', text: '先前对话的备忘录: 阿明喜欢猫和咖啡。' });
    await m.call('PATCH', '/api/memory/小天/recent/1', { text: '今天有点累' });
    await m.call('DELETE', '/api/memory/小天/recent/2');
    const after = (await m.call('GET', '/api/memory/小天/recent')).json.entries;
    expect(after).toHaveLength(before.length - 1);
    expect(after[1].text).toBe('今天有点累');
    await m.call('PUT', '/api/memory/小天/recent', { entries: [{ type: 'system', text: '先前对话的备忘录: 无。' }] });
    expect((await m.call('GET', '/api/memory/小天/recent')).json.entries).toEqual([{ index: 0, type: 'system', speaker: 'SYSTEM_MESSAGE', text: '先前对话的备忘录: 无。' }]);
  });

  it('validates input (422 with field paths) and answers 404 for unknown things', async () => {
    const bad = await m.call('GET', '/api/memory/小天/turns?limit=0&order=up');
    expect(bad.status).toBe(422);
    expect(bad.json.detail.map((d: { loc: string[] }) => d.loc[0]).sort()).toEqual(['limit', 'order']);
    expect((await m.call('PUT', '/api/memory/小天/recent', { entries: [{ type: 'robot', text: 'x' }] })).status).toBe(422);
    expect((await m.call('PATCH', '/api/memory/小天/turns/1', { text: 'x', extra: 1 })).status).toBe(422);
    expect((await m.call('GET', '/api/memory/小天/bogus')).status).toBe(404);
    expect((await m.call('PATCH', '/api/memory/小天/recent/99', { text: 'x' })).status).toBe(404);
    expect((await m.call('GET', '/api/memory/a..b/turns')).status).toBe(400);
  });
});
