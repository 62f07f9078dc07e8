import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IngestService } from '../../src/memory/ingest/ingest.service';
import type { ClientMessage } from '../../src/main/sessions/session-manager';
import { SessionRegistry } from '../../src/main/sessions/session-registry.service';
import { startMainApp, type MainHarness } from '../support/main-app.harness';
import { inputHistory } from '../support/memory-app.harness';

jest.setTimeout(30_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- file contents asserted field by field

const readJson = (h: MainHarness, file: string): Json => JSON.parse(readFileSync(join(h.root, 'config', file), 'utf8')) as Json;
const chars = (h: MainHarness) => readJson(h, 'characters.json');

/** Stands in for the chat gateway: a socket that records what main sends, and an end hook. */
function fakeSession(h: MainHarness, name: string, opts: { active?: boolean; voice?: boolean } = {}) {
  const mgr = h.app.get(SessionRegistry).get(name)!;
  const sent: ClientMessage[] = [];
  const ended: boolean[] = [];
  mgr.attachSocket((m) => {
    sent.push(m);
    return Promise.resolve(true);
  });
  mgr.onEndSession((byServer) => {
    ended.push(byServer);
    return Promise.resolve();
  });
  mgr.isActive = opts.active ?? false;
  mgr.isVoiceMode = opts.voice ?? false;
  return { mgr, sent, ended };
}

describe('main characters router /api/characters', () => {
  let h: MainHarness;
  beforeEach(async () => {
    h = await startMainApp();
  });
  afterEach(async () => {
    await h.close();
  });

  it('GET /api/characters and /api/characters/ answer the raw file', async () => {
    for (const path of ['/api/characters', '/api/characters/']) {
      const res = await h.request('GET', path);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(chars(h));
      expect(res.json.saved_by).toBe('N.E.K.O 0.6.2');
    }
    expect((await h.request('GET', '/api/characters/current_catgirl')).json).toEqual({ current_catgirl: '小天' });
  });

  it('creates a character with only its non-empty fields; refuses missing, existing and unsafe names', async () => {
    expect(await h.request('POST', '/api/characters/catgirl', { json: {} })).toMatchObject({ status: 400, json: { success: false, error: '档案名为必填项' } });
    expect(await h.request('POST', '/api/characters/catgirl', { json: { 档案名: '' } })).toMatchObject({ status: 400, json: { error: '档案名为必填项' } });
    expect(await h.request('POST', '/api/characters/catgirl', { json: { 档案名: 'Luna' } })).toMatchObject({ status: 400, json: { error: '该猫娘已存在' } });
    for (const bad of ['../evil', 'a/b', 'x\u0000y', 'a'.repeat(101)]) {
      const res = await h.request('POST', '/api/characters/catgirl', { json: { 档案名: bad } });
      expect(res.status).toBe(400);
      expect(res.json.success).toBe(false);
    }
    // The memory server is not running here: the character is created anyway (failure only logged).
    const res = await h.request('POST', '/api/characters/catgirl', {
      json: { 档案名: '小雪', 性别: '女', 昵称: '', 年龄: 16, voice_id: '', system_prompt: '你是{LANLAN_NAME}。' },
    });
    expect(res).toMatchObject({ status: 200, json: { success: true } });
    const file = chars(h);
    expect(file['猫娘']['小雪']).toEqual({ 性别: '女', 年龄: 16, system_prompt: '你是{LANLAN_NAME}。' });
    expect(file.saved_by).toBe('N.E.K.O 0.6.2');
    expect(file['猫娘'].Luna.lighting).toEqual({ ambient: 0.6, key: 1.2 });
    expect(h.app.get(SessionRegistry).get('小雪')?.prompt).toBe('你是小雪。');
  });

  it('updates a character: unsent fields go, model settings and live2d_item_id stay', async () => {
    expect(await h.request('PUT', '/api/characters/catgirl/Luna', { json: {} })).toMatchObject({ status: 400, json: { success: false, error: '无数据' } });
    expect(await h.request('PUT', '/api/characters/catgirl/nobody', { json: { 性别: '女' } })).toMatchObject({ status: 404, json: { error: '猫娘不存在' } });
    const bad = await h.request('PUT', '/api/characters/catgirl/Luna', { json: { voice_id: 'nope' } });
    expect(bad).toMatchObject({ status: 400, json: { success: false, error: 'voice_id "nope" 在当前API的音色库中不存在', available_voices: [] } });

    const res = await h.request('PUT', '/api/characters/catgirl/Luna', { json: { 档案名: 'Luna', 性别: '女', 昵称: 'Lulu', 爱好: '', voice_id: '' } });
    expect(res).toMatchObject({ status: 200, json: { success: true, voice_id_changed: true, session_restarted: false } });
    expect(chars(h)['猫娘'].Luna).toEqual({
      性别: '女',
      昵称: 'Lulu',
      live2d: 'hiyori',
      live2d_item_id: '3012345678',
      model_type: 'live2d',
      lighting: { ambient: 0.6, key: 1.2 },
    });
  });

  it('update: a falsy voice_id is not checked and keeps the voice; profile keys named like Object.prototype members go too', async () => {
    await h.request('POST', '/api/characters/voices', { json: { voice_id: 'cosyvoice-v3-plus-a', voice_data: { prefix: 'a' } } });
    await h.request('PUT', '/api/characters/catgirl/voice_id/Luna', { json: { voice_id: 'cosyvoice-v3-plus-a' } });
    const seeded = chars(h);
    Object.assign(seeded['猫娘'].Luna, { toString: '一个字段', constructor: '另一个' });
    writeFileSync(join(h.root, 'config', 'characters.json'), JSON.stringify(seeded, null, 2));
    for (const voice_id of [null, false, 0]) {
      const res = await h.request('PUT', '/api/characters/catgirl/Luna', { json: { 性别: '女', voice_id } });
      expect([voice_id, res.status, res.json]).toEqual([voice_id, 200, { success: true, voice_id_changed: false, session_restarted: false }]);
    }
    const luna = chars(h)['猫娘'].Luna;
    expect(luna.voice_id).toBe('cosyvoice-v3-plus-a');
    expect(Object.hasOwn(luna, 'toString') || Object.hasOwn(luna, 'constructor')).toBe(false);
  });

  it('a voice change of the current character reloads its page and ends its session', async () => {
    const voices = await h.request('POST', '/api/characters/voices', { json: { voice_id: 'cosyvoice-v3-plus-tian-1', voice_data: { prefix: 'tian', file_url: 'http://x/y.wav' } } });
    expect(voices).toMatchObject({ status: 200, json: { success: true, message: '音色注册成功' } });
    const s = fakeSession(h, '小天', { active: true });
    const res = await h.request('PUT', `/api/characters/catgirl/${encodeURIComponent('小天')}`, { json: { 档案名: '小天', 性别: '女', voice_id: 'cosyvoice-v3-plus-tian-1' } });
    expect(res.json).toEqual({ success: true, voice_id_changed: true, session_restarted: true });
    expect(s.sent).toEqual([{ type: 'reload_page', message: '语音已更新，页面即将刷新' }]);
    expect(s.ended).toEqual([true]);
    expect(chars(h)['猫娘']['小天'].voice_id).toBe('cosyvoice-v3-plus-tian-1');
    // The system prompt is kept although the form did not send it …
    expect(chars(h)['猫娘']['小天'].system_prompt).toContain('{LANLAN_NAME}');
    // … and an explicitly emptied one is dropped: the default template applies again.
    await h.request('PUT', `/api/characters/catgirl/${encodeURIComponent('小天')}`, { json: { 档案名: '小天', 性别: '女', system_prompt: '  ' } });
    expect(Object.hasOwn(chars(h)['猫娘']['小天'], 'system_prompt')).toBe(false);
  });

  it('sets, validates and removes voice ids; lists and registers voices', async () => {
    expect((await h.request('GET', '/api/characters/voices')).json).toEqual({ voices: {} });
    expect(await h.request('POST', '/api/characters/voices', { json: { voice_id: 'v' } })).toMatchObject({ status: 400, json: { error: '缺少必要参数' } });
    await h.request('POST', '/api/characters/voices', { json: { voice_id: 'cosyvoice-v3-plus-a', voice_data: { prefix: 'a' } } });
    await h.request('POST', '/api/characters/voices', { json: { voice_id: 'cosyvoice-v2-old', voice_data: { prefix: 'old' } } });
    const list = (await h.request('GET', '/api/characters/voices')).json;
    expect(Object.keys(list.voices)).toEqual(['cosyvoice-v3-plus-a']);
    expect(list.voices['cosyvoice-v3-plus-a']).toMatchObject({ voice_id: 'cosyvoice-v3-plus-a', prefix: 'a' });
    expect(readJson(h, 'voice_storage.json')['sk-fixture-silicon-5678']['cosyvoice-v3-plus-a'].created_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect(await h.request('PUT', '/api/characters/catgirl/voice_id/Luna', { json: {} })).toMatchObject({ status: 400, json: { error: '无数据' } });
    expect(await h.request('PUT', '/api/characters/catgirl/voice_id/nobody', { json: { voice_id: '' } })).toMatchObject({ status: 404, json: { error: '猫娘不存在' } });
    const bad = await h.request('PUT', '/api/characters/catgirl/voice_id/Luna', { json: { voice_id: 'cosyvoice-v2-old' } });
    expect(bad).toMatchObject({ status: 400, json: { available_voices: ['cosyvoice-v3-plus-a'] } });
    expect((await h.request('PUT', '/api/characters/catgirl/voice_id/Luna', { json: { voice_id: 'cosyvoice-v3-plus-a' } })).json).toEqual({ success: true, session_restarted: false });
    expect(chars(h)['猫娘'].Luna.voice_id).toBe('cosyvoice-v3-plus-a');

    expect((await h.request('POST', '/api/characters/catgirl/Luna/unregister_voice')).json).toEqual({ success: true, message: '声音注册已解除' });
    expect('voice_id' in chars(h)['猫娘'].Luna).toBe(false);
    expect(await h.request('POST', '/api/characters/catgirl/Luna/unregister_voice')).toMatchObject({ status: 400, json: { error: '该猫娘未注册声音' } });
    expect(await h.request('POST', '/api/characters/catgirl/nobody/unregister_voice')).toMatchObject({ status: 404, json: { error: '猫娘不存在' } });

    await h.request('PUT', '/api/characters/catgirl/voice_id/Luna', { json: { voice_id: 'cosyvoice-v3-plus-a' } });
    expect((await h.request('POST', '/api/characters/clear_voice_ids')).json).toEqual({ success: true, message: '已清除 1 个角色的Voice ID记录', cleared_count: 1 });
    expect(chars(h)['猫娘'].Luna.voice_id).toBe('');
  });

  it('switches the current character and tells every open page', async () => {
    expect(await h.request('POST', '/api/characters/current_catgirl', { json: {} })).toMatchObject({ status: 400, json: { error: '猫娘名称不能为空' } });
    expect(await h.request('POST', '/api/characters/current_catgirl', { json: { catgirl_name: '谁' } })).toMatchObject({ status: 404, json: { error: '指定的猫娘不存在' } });
    const tian = fakeSession(h, '小天', { active: true, voice: true });
    expect(await h.request('POST', '/api/characters/current_catgirl', { json: { catgirl_name: 'Luna' } })).toMatchObject({
      status: 400,
      json: { error: '语音状态下无法切换角色，请先停止语音对话后再切换' },
    });
    expect((await h.request('GET', '/api/characters/catgirl/%E5%B0%8F%E5%A4%A9/voice_mode_status')).json).toEqual({ is_voice_mode: true, is_current: true, is_active: true });
    tian.mgr.isVoiceMode = false;
    const luna = fakeSession(h, 'Luna');
    expect((await h.request('POST', '/api/characters/current_catgirl', { json: { catgirl_name: 'Luna' } })).json).toEqual({ success: true });
    const msg = { type: 'catgirl_switched', new_catgirl: 'Luna', old_catgirl: '小天' };
    expect(tian.sent).toEqual([msg]);
    expect(luna.sent).toEqual([msg]);
    expect(chars(h)['当前猫娘']).toBe('Luna');
    expect((await h.request('GET', '/api/characters/catgirl/Luna/voice_mode_status')).json).toEqual({ is_voice_mode: false, is_current: true, is_active: false });
    expect((await h.request('GET', '/api/characters/catgirl/nobody/voice_mode_status')).json).toEqual({ is_voice_mode: false, is_current: false, is_active: false });
  });

  it('microphone, master profile, master rename and reload', async () => {
    expect((await h.request('GET', '/api/characters/get_microphone')).json).toEqual({ microphone_id: 'default' });
    expect((await h.request('POST', '/api/characters/set_microphone', { json: { microphone_id: 'abc123' } })).json).toEqual({ success: true });
    expect(chars(h)['当前麦克风']).toBe('abc123');
    expect((await h.request('POST', '/api/characters/set_microphone', { json: { microphone_id: null } })).json).toEqual({ success: true });
    expect((await h.request('GET', '/api/characters/get_microphone')).json).toEqual({ microphone_id: null });

    expect(await h.request('POST', '/api/characters/master', { json: { 性别: '男' } })).toMatchObject({ status: 400, json: { error: '档案名为必填项' } });
    expect((await h.request('POST', '/api/characters/master', { json: { 档案名: '小明', 性别: '男', 昵称: '' } })).json).toEqual({ success: true });
    expect(chars(h)['主人']).toEqual({ 档案名: '小明', 性别: '男' });
    expect(h.app.get(SessionRegistry).get('小天')?.prompt).toContain('小明');

    expect(await h.request('POST', '/api/characters/master/%E8%B0%81/rename', { json: { new_name: '大明' } })).toMatchObject({ status: 404 });
    expect(await h.request('POST', '/api/characters/master/%E5%B0%8F%E6%98%8E/rename', { json: {} })).toMatchObject({ status: 400, json: { error: '新档案名不能为空' } });
    const renamed = await h.request('POST', '/api/characters/master/%E5%B0%8F%E6%98%8E/rename', { json: { new_name: '大明' } });
    expect(renamed).toMatchObject({ status: 200, json: { success: true } });
    expect(typeof renamed.json.message).toBe('string');
    expect(chars(h)['主人']).toEqual({ 档案名: '大明', 性别: '男' });

    expect((await h.request('POST', '/api/characters/reload')).json).toEqual({ success: true, message: '角色配置已重新加载' });
  });

  it('sets the model of a character (Live2D with item id, upstream VRM)', async () => {
    expect(await h.request('PUT', '/api/characters/catgirl/l2d/Luna', { json: {} })).toMatchObject({ status: 200, json: { success: false, error: '未提供Live2D模型名称' } });
    expect(await h.request('PUT', '/api/characters/catgirl/l2d/nobody', { json: { live2d: 'hiyori' } })).toMatchObject({ status: 404, json: { error: '猫娘不存在' } });
    expect(await h.request('PUT', '/api/characters/catgirl/l2d/Luna', { json: { live2d: 'x', model_type: 'gif' } })).toMatchObject({ status: 400, json: { success: false } });
    expect((await h.request('PUT', '/api/characters/catgirl/l2d/Luna', { json: { live2d: '../../etc' } })).json.success).toBe(false);
    const res = await h.request('PUT', `/api/characters/catgirl/l2d/${encodeURIComponent('小天')}`, { json: { live2d: 'hiyori', item_id: '42' } });
    expect(res.json).toEqual({ success: true, message: '已更新角色 小天 的Live2D模型为 hiyori' });
    expect(chars(h)['猫娘']['小天']).toMatchObject({ live2d: 'hiyori', live2d_item_id: '42' });
    // An empty item id never clears the saved one.
    await h.request('PUT', `/api/characters/catgirl/l2d/${encodeURIComponent('小天')}`, { json: { live2d: 'mao_pro', item_id: '' } });
    expect(chars(h)['猫娘']['小天']).toMatchObject({ live2d: 'mao_pro', live2d_item_id: '42' });
    const vrm = await h.request('PUT', '/api/characters/catgirl/l2d/Luna', { json: { model_type: 'vrm', vrm: '/user_vrm/luna.vrm', idle_animation: 'idle.vrma' } });
    expect(vrm.json.success).toBe(true);
    expect(chars(h)['猫娘'].Luna).toMatchObject({ model_type: 'vrm', vrm: '/user_vrm/luna.vrm', idle_animation: 'idle.vrma', live2d: 'hiyori' });
  });

  it('current_live2d_model: saved item id, model name, then mao_pro as fallback', async () => {
    // Luna's workshop item is not installed: its model is found by name in <data>/live2d.
    const luna = await h.request('GET', '/api/characters/current_live2d_model?catgirl_name=Luna');
    expect(luna.json).toMatchObject({ success: true, catgirl_name: 'Luna', model_name: 'hiyori', model_info: { name: 'hiyori', path: '/user_live2d/hiyori/hiyori.model3.json' } });
    const none = await h.request('GET', '/api/characters/current_live2d_model');
    expect(none.json).toEqual({ success: true, catgirl_name: '小天', model_name: 'mao_pro', model_info: null });
    mkdirSync(join(h.root, 'live2d', 'mao_pro'), { recursive: true });
    writeFileSync(join(h.root, 'live2d', 'mao_pro', 'mao_pro.model3.json'), '{}');
    const fallback = await h.request('GET', `/api/characters/current_live2d_model?catgirl_name=${encodeURIComponent('小天')}&item_id=999`);
    expect(fallback.json.model_info).toMatchObject({ name: 'mao_pro', path: '/user_live2d/mao_pro/mao_pro.model3.json', is_fallback: true });
    expect((await h.request('GET', '/api/characters/current_live2d_model?catgirl_name=a&catgirl_name=b')).status).toBe(422);
  });

  it('names of Object.prototype members are unknown characters, never prototype writes', async () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const p = encodeURIComponent(name);
      expect((await h.request('PUT', `/api/characters/catgirl/${p}`, { json: { 性别: 'x' } })).status).toBe(404);
      expect((await h.request('PUT', `/api/characters/catgirl/l2d/${p}`, { json: { live2d: 'hiyori' } })).status).toBe(404);
      expect((await h.request('PUT', `/api/characters/catgirl/voice_id/${p}`, { json: { voice_id: '' } })).status).toBe(404);
      expect((await h.request('DELETE', `/api/characters/catgirl/${p}`)).status).toBe(404);
      expect((await h.request('POST', `/api/characters/catgirl/${p}/rename`, { json: { new_name: 'x' } })).status).toBe(404);
      expect((await h.request('POST', '/api/characters/current_catgirl', { json: { catgirl_name: name } })).status).toBe(404);
    }
    expect((await h.request('POST', '/api/characters/catgirl', { json: { 档案名: '__proto__' } })).status).toBe(400);
    expect((await h.request('PUT', '/api/characters/catgirl/voice_id/Luna', { json: { voice_id: 'constructor' } })).status).toBe(400);
    expect(({} as Record<string, unknown>)['性别']).toBeUndefined();
    const created = await h.request('POST', '/api/characters/catgirl', { json: { 档案名: 'constructor', 性别: '女' } });
    expect(created.json).toEqual({ success: true });
    expect(chars(h)['猫娘'].constructor).toEqual({ 性别: '女' });
  });

  it('refuses deleting the current character and unknown ones', async () => {
    expect(await h.request('DELETE', `/api/characters/catgirl/${encodeURIComponent('小天')}`)).toMatchObject({
      status: 400,
      json: { error: '不能删除当前正在使用的猫娘！请先切换到其他猫娘后再删除。' },
    });
    expect(await h.request('DELETE', '/api/characters/catgirl/nobody')).toMatchObject({ status: 404, json: { error: '猫娘不存在' } });
    // Memory server down: the character is removed anyway.
    expect((await h.request('DELETE', '/api/characters/catgirl/Luna')).json).toEqual({ success: true });
    expect(Object.keys(chars(h)['猫娘'])).toEqual(['小天']);
    expect(h.app.get(SessionRegistry).get('Luna')).toBeUndefined();
  });
});

describe('rename and delete move the memory through the memory server', () => {
  let h: MainHarness;
  const mem = (f: string) => join(h.root, 'memory', f);
  beforeEach(async () => {
    // No provider keys: the memory server stores turns without summarising over the network.
    h = await startMainApp({ memory: true, coreConfig: { coreApi: 'qwen', assistApi: 'qwen', recent_memory_auto_review: false } });
  });
  afterEach(async () => {
    await h.memory?.get(IngestService).idle();
    await h.close();
  });

  it('renames the current character: catgirl_switched first, then the file and the memory', async () => {
    expect(await h.request('POST', '/api/characters/catgirl/%E5%B0%8F%E5%A4%A9/rename', { json: {} })).toMatchObject({ status: 400, json: { error: '新档案名不能为空' } });
    expect(await h.request('POST', '/api/characters/catgirl/nobody/rename', { json: { new_name: 'x' } })).toMatchObject({ status: 404, json: { error: '原猫娘不存在' } });
    expect(await h.request('POST', '/api/characters/catgirl/%E5%B0%8F%E5%A4%A9/rename', { json: { new_name: 'Luna' } })).toMatchObject({ status: 400, json: { error: '新档案名已存在' } });
    expect((await h.request('POST', '/api/characters/catgirl/%E5%B0%8F%E5%A4%A9/rename', { json: { new_name: '../x' } })).status).toBe(400);
    const s = fakeSession(h, '小天', { active: true, voice: true });
    expect(await h.request('POST', '/api/characters/catgirl/%E5%B0%8F%E5%A4%A9/rename', { json: { new_name: '天天' } })).toMatchObject({
      status: 400,
      json: { error: '语音状态下无法修改角色名称，请先停止语音对话后再修改' },
    });
    s.mgr.isVoiceMode = false;
    expect(existsSync(mem('recent_小天.json'))).toBe(true);
    expect((await h.request('POST', '/api/characters/catgirl/%E5%B0%8F%E5%A4%A9/rename', { json: { new_name: '天天' } })).json).toEqual({ success: true });
    expect(s.sent).toEqual([{ type: 'catgirl_switched', new_catgirl: '天天', old_catgirl: '小天' }]);
    const file = chars(h);
    expect(Object.keys(file['猫娘']).sort()).toEqual(['Luna', '天天'].sort());
    expect(file['当前猫娘']).toBe('天天');
    expect(file['猫娘']['天天']['口头禅']).toBe('喵~');
    expect(h.app.get(SessionRegistry).names().sort()).toEqual(['Luna', '天天'].sort());
    expect(existsSync(mem('recent_天天.json'))).toBe(true);
    expect(existsSync(mem('recent_小天.json'))).toBe(false);
  });

  it('deletes a character with its memory; creating one tells the memory server to reload', async () => {
    const res = await fetch(`http://127.0.0.1:${h.ctx.env.ports.memory}/process/Luna`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inputHistory([['user', '你好'], ['assistant', '喵']])),
    });
    expect(res.status).toBe(200);
    await h.memory?.get(IngestService).idle();
    expect(existsSync(mem('recent_Luna.json'))).toBe(true);
    expect((await h.request('DELETE', '/api/characters/catgirl/Luna')).json).toEqual({ success: true });
    expect(existsSync(mem('recent_Luna.json'))).toBe(false);
    expect((await h.request('POST', '/api/characters/catgirl', { json: { 档案名: 'Nova', 性别: '女' } })).json).toEqual({ success: true });
    expect(chars(h)['猫娘'].Nova).toEqual({ 性别: '女' });
  });
});
