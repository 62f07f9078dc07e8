import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { IngestService } from '../../src/memory/ingest/ingest.service';
import { startMainApp, type MainHarness } from '../support/main-app.harness';
import { inputHistory } from '../support/memory-app.harness';

/** Status of a GET sent with the path exactly as written (no client-side URL normalisation). */
function rawStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

// No provider keys: the memory server stores turns and summarises without any network.
const CORE = { coreApi: 'qwen', assistApi: 'qwen', enableCustomApi: false, recent_memory_auto_review: false, 界面语言: 'zh-CN', window: { width: 1280 } };

// Cold starts (Nest, SQLite, LanceDB) take several seconds when other suites run in parallel.
jest.setTimeout(30_000);

describe('main memory router /api/memory (through the real memory server)', () => {
  let h: MainHarness;
  const mem = (f: string) => join(h.root, 'memory', f);
  const idle = () => h.memory?.get(IngestService).idle();
  /** Seeds memory the way main's sessions do: the memory server's /process endpoint. */
  const processTurns = async (name: string, turns: Array<[role: 'user' | 'assistant', text: string]>) => {
    const res = await fetch(`http://127.0.0.1:${h.ctx.env.ports.memory}/process/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inputHistory(turns)),
    });
    expect(await res.json()).toEqual({ status: 'processed' });
    await idle();
  };

  beforeEach(async () => {
    h = await startMainApp({ memory: true, coreConfig: CORE });
  });
  afterEach(async () => {
    await idle();
    await h.close();
  });

  it('lists recent files and serves one; refuses traversal and other names', async () => {
    expect(await h.request('GET', '/api/memory/recent_files')).toMatchObject({ status: 200, json: { files: ['recent_小天.json'] } });
    const file = await h.request('GET', '/api/memory/recent_file?filename=recent_小天.json');
    expect(file.status).toBe(200);
    expect(file.json).toEqual({ content: readFileSync(mem('recent_小天.json'), 'utf8') });
    const separators = { success: false, error: '文件名不能包含路径分隔符或目录遍历字符' };
    expect(await h.request('GET', '/api/memory/recent_file?filename=../config/core_config.json')).toMatchObject({ status: 400, json: separators });
    expect(await h.request('GET', '/api/memory/recent_file?filename=recent_..%2Fx.json')).toMatchObject({ status: 400, json: separators });
    expect(await h.request('GET', '/api/memory/recent_file?filename=recent_a%5Cb.json')).toMatchObject({ status: 400, json: separators });
    expect(await h.request('GET', '/api/memory/recent_file?filename=settings_小天.json')).toMatchObject({ status: 400, json: { success: false, error: '文件名不合法' } });
    expect(await h.request('GET', '/api/memory/recent_file?filename=recent_Luna.json')).toMatchObject({ status: 404, json: { success: false, error: '文件不存在' } });
    // A name no character can have is not sent to the memory server (a long one used to come back as 502 "URI Too Long").
    for (const name of ['x'.repeat(120), 'a<b', ' 小天']) {
      expect(await h.request('GET', `/api/memory/recent_file?filename=${encodeURIComponent(`recent_${name}.json`)}`)).toMatchObject({ status: 400, json: { success: false, error: '文件名不合法' } });
    }
    expect((await h.request('GET', '/api/memory/recent_file')).status).toBe(422);
  });

  it('saves an edited recent file in LangChain shape, Chinese names included', async () => {
    const chat = [{ role: 'system', text: '先前对话的备忘录: 无。' }, { role: 'human', text: '你好' }, { role: 'ai', text: '你好喵' }];
    expect(await h.request('POST', '/api/memory/recent_file/save', { json: { filename: 'recent_小白.json', chat } })).toMatchObject({ status: 200, json: { success: true } });
    const saved = JSON.parse(readFileSync(mem('recent_小白.json'), 'utf8'));
    expect(saved[1]).toEqual({ type: 'human', data: { content: '你好', additional_kwargs: {}, response_metadata: {}, type: 'human', name: null, id: null, example: false } });
    expect(saved[2]).toEqual({
      type: 'ai',
      data: { content: '你好喵', additional_kwargs: {}, response_metadata: {}, type: 'ai', name: null, id: null, example: false, tool_calls: [], invalid_tool_calls: [], usage_metadata: null },
    });
    expect(saved[0]).toMatchObject({ type: 'system', data: { content: '先前对话的备忘录: 无。', type: 'system' } });
    expect((await h.request('GET', '/api/memory/recent_files')).json.files).toEqual(['recent_小天.json', 'recent_小白.json']);

    const bad = async (json: unknown) => (await h.request('POST', '/api/memory/recent_file/save', { json })).json;
    const status = async (json: unknown) => (await h.request('POST', '/api/memory/recent_file/save', { json })).status;
    expect(await bad({ filename: 'recent_../../x.json', chat })).toEqual({ success: false, error: '文件名不能包含路径分隔符或目录遍历字符' });
    expect(await status({ filename: 'recent_../../x.json', chat })).toBe(400);
    expect(await bad({ filename: 'recentX.json', chat })).toEqual({ success: false, error: '文件名格式不合法，必须以 recent_ 开头并以 .json 结尾' });
    expect(await bad({ chat })).toEqual({ success: false, error: '文件名不能为空' });
    expect(await bad({ filename: 'recent_小白.json', chat: 'x' })).toEqual({ success: false, error: 'chat 必须是一个列表' });
    expect(await bad({ filename: 'recent_小白.json', chat: [{ text: 'x' }] })).toEqual({ success: false, error: "chat[0] 缺少必需的 'role' 字段" });
    expect(await bad({ filename: 'recent_小白.json', chat: [{ role: 'ai', text: 3 }] })).toEqual({ success: false, error: "chat[0]['text'] 必须是字符串" });
    expect(await status([1, 2])).toBe(400);
    expect(readdirSync(join(h.root, 'memory')).filter((f) => f.includes('x.json'))).toEqual([]);
  });

  it('update_catgirl_name moves every layer and rewrites the names', async () => {
    await processTurns('小天', [['user', '小天: 我的猫叫麻薯'], ['assistant', '[小天] 麻薯好可爱喵']]);
    expect(existsSync(mem('time_indexed_小天'))).toBe(true);
    const res = await h.request('POST', '/api/memory/update_catgirl_name', { json: { old_name: '小天', new_name: '小白' } });
    expect(res).toMatchObject({ status: 200, json: { success: true } });
    const files = readdirSync(join(h.root, 'memory'));
    expect(files.filter((f) => f.includes('小天'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['recent_小白.json', 'settings_小白.json', 'time_indexed_小白', 'semantic_memory_小白']));
    const recent = readFileSync(mem('recent_小白.json'), 'utf8');
    expect(recent).toContain('小白: 我的猫叫麻薯');
    expect(recent).toContain('[小白] 麻薯好可爱喵');
    expect(JSON.parse(readFileSync(mem('settings_小白.json'), 'utf8'))).toHaveProperty('小白');
    // Calling it again (the characters router may have moved the memory already) is not an error.
    expect(await h.request('POST', '/api/memory/update_catgirl_name', { json: { old_name: '小天', new_name: '小白' } })).toMatchObject({ status: 200, json: { success: true } });
  });

  it('update_catgirl_name validates like the original', async () => {
    const call = (json: unknown) => h.request('POST', '/api/memory/update_catgirl_name', { json });
    expect(await call({ old_name: '小天' })).toMatchObject({ status: 400, json: { success: false, error: '缺少必要参数' } });
    expect(await call({})).toMatchObject({ status: 400, json: { success: false, error: '缺少必要参数' } });
    expect(await call({ old_name: '小天', new_name: '../x' })).toMatchObject({ status: 400, json: { success: false, error: '新名称无效: 名称不能包含路径分隔符或目录遍历字符' } });
    expect(await call({ old_name: 'a<b', new_name: 'x' })).toMatchObject({ status: 400, json: { success: false, error: expect.stringMatching(/^旧名称无效: /) } });
    expect(await call({ old_name: 'Nobody', new_name: 'Somebody' })).toMatchObject({ status: 404, json: { success: false, error: '记忆文件不存在: recent_Nobody.json' } });
    expect(await call({ old_name: 'Nobody', new_name: 'Nobody' })).toMatchObject({ status: 404, json: { success: false, error: '记忆文件不存在: recent_Nobody.json' } });
    // Renaming onto itself succeeds and changes nothing (the original renamed the file onto itself).
    const before = readFileSync(mem('recent_小天.json'), 'utf8');
    expect(await call({ old_name: '小天', new_name: '小天' })).toMatchObject({ status: 200, json: { success: true } });
    expect(readFileSync(mem('recent_小天.json'), 'utf8')).toBe(before);
  });

  it("proxies the memory server's JSON API: turns, search, forget, recent entries", async () => {
    await processTurns('小天', [['user', 'I moved to Shanghai last spring'], ['assistant', 'Shanghai must be exciting']]);
    const turns = await h.request('GET', '/api/memory/小天/turns?order=asc&limit=10');
    expect(turns.status).toBe(200);
    expect(turns.json.total).toBe(2);
    expect(turns.json.items.map((i: { text: string }) => i.text)).toEqual(['I moved to Shanghai last spring', 'Shanghai must be exciting']);
    const search = await h.request('GET', '/api/memory/小天/search?q=moved%20Shanghai&k=3');
    expect(search.json.results.map((r: { text: string }) => r.text)).toContain('I moved to Shanghai last spring');
    const id = turns.json.items[0].id as number;
    expect(await h.request('DELETE', `/api/memory/小天/turns/${id}`)).toMatchObject({ status: 200, json: { success: true } });
    expect((await h.request('GET', `/api/memory/小天/turns/${id}`)).status).toBe(404);
    expect(readFileSync(mem('recent_小天.json'), 'utf8')).not.toContain('I moved to Shanghai');
    expect(await h.request('PATCH', '/api/memory/小天/recent/1', { json: { text: '今天有点累' } })).toMatchObject({ status: 200, json: { success: true } });
    expect((await h.request('GET', '/api/memory/小天/recent')).json.entries[1]).toMatchObject({ index: 1, text: '今天有点累' });
    // The memory server's own validation answers come back verbatim.
    const invalid = await h.request('GET', '/api/memory/小天/turns?limit=0');
    expect(invalid.status).toBe(422);
    expect(invalid.json.detail[0].loc).toEqual(['limit']);
    expect((await h.request('GET', '/api/memory/a..b/turns')).status).toBe(400);
    // fetch would normalise the dot segments itself: a raw request keeps them as an attacker sends them.
    expect(await rawStatus(h.ctx.env.ports.main, '/api/memory/%E5%B0%8F%E5%A4%A9/%2e%2e/%2e%2e')).toBe(404);
    expect((await h.request('GET', '/api/memory/recent_file/save')).status).toBe(405);
  });

  it('review_config reads and writes core_config.json (unknown keys kept)', async () => {
    expect(await h.request('GET', '/api/memory/review_config')).toMatchObject({ status: 200, json: { enabled: false } });
    expect(await h.request('POST', '/api/memory/review_config', { json: { enabled: true } })).toMatchObject({ status: 200, json: { success: true, enabled: true } });
    const file = JSON.parse(readFileSync(join(h.root, 'config', 'core_config.json'), 'utf8'));
    expect(file).toMatchObject({ recent_memory_auto_review: true, 界面语言: 'zh-CN', window: { width: 1280 } });
    expect(await h.request('POST', '/api/memory/review_config', { json: { enabled: false } })).toMatchObject({ json: { success: true, enabled: false } });
    expect((await h.request('GET', '/api/memory/review_config')).json).toEqual({ enabled: false });
    expect(await h.request('POST', '/api/memory/review_config', { json: {} })).toMatchObject({ json: { success: true, enabled: true } });
    expect(await h.request('POST', '/api/memory/review_config', { json: { enabled: 'yes' } })).toMatchObject({ status: 200, json: { success: false, error: 'enabled 必须是布尔值' } });
  });

  it('answers 503 when the memory server is down', async () => {
    await idle();
    await h.memory?.close();
    const down = { success: false, error: expect.stringMatching(/^记忆服务器未连接 \(memory server unreachable: .+\)$/) };
    expect(await h.request('GET', '/api/memory/recent_files')).toMatchObject({ status: 503, json: down });
    expect(await h.request('GET', '/api/memory/recent_file?filename=recent_小天.json')).toMatchObject({ status: 503, json: down });
    expect(await h.request('GET', '/api/memory/小天/turns')).toMatchObject({ status: 503, json: down });
    expect(await h.request('POST', '/api/memory/update_catgirl_name', { json: { old_name: '小天', new_name: '小白' } })).toMatchObject({ status: 503, json: down });
    expect(await h.request('POST', '/api/memory/recent_file/save', { json: { filename: 'recent_小天.json', chat: [] } })).toMatchObject({ status: 503, json: down });
    // Main never touched the files itself.
    expect(existsSync(mem('recent_小天.json'))).toBe(true);
    expect(existsSync(mem('recent_小白.json'))).toBe(false);
  });
});
