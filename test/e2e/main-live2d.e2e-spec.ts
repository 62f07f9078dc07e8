import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startMainApp, type MainHarness } from '../support/main-app.harness';
import { ITEM, prepareLive2dData } from '../fixtures/models/live2d-fixtures';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- file contents asserted field by field


describe('main Live2D router /api/live2d', () => {
  let h: MainHarness;
  let outside: string;
  beforeEach(async () => {
    outside = mkdtempSync(join(tmpdir(), 'neko-outside-'));
    h = await startMainApp({ prepare: prepareLive2dData(outside) });
  });
  afterEach(async () => {
    await h.close();
  });

  const model3Of = (dir: string): Json => JSON.parse(readFileSync(join(h.root, 'live2d', dir, `${dir}.model3.json`), 'utf8')) as Json;

  it('GET /models lists every root (bare array), the URLs load through the static mounts, symlink escapes are not listed', async () => {
    const res = await h.request('GET', '/api/live2d/models');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    expect(res.json).toEqual(
      expect.arrayContaining([
        { name: 'hiyori', path: '/user_live2d/hiyori/hiyori.model3.json', source: 'documents' },
        { name: '小天模型', path: '/user_live2d/小天模型/小天模型.model3.json', source: 'documents' },
        { name: 'modA', path: '/user_mods/modA/modA.model3.json', source: 'user_mods' },
        { name: 'hiyori_user_mods', path: '/user_mods/pack/deep/hiyori/hiyori.model3.json', source: 'user_mods' },
      ]),
    );
    const names = (res.json as Json[]).map((m) => m.name as string);
    expect(names).not.toContain('escape');
    expect(names).not.toContain('evil');
    for (const m of res.json as Json[]) {
      const file = await h.request('GET', m.path as string);
      expect({ path: m.path as string, status: file.status }).toEqual({ path: m.path as string, status: 200 });
      expect(file.json.Version).toBe(3);
    }
    const simple = await h.request('GET', '/api/live2d/models?simple=true');
    expect(simple.json).toEqual({ success: true, models: names });
    expect((await h.request('GET', '/api/live2d/models?simple=banana')).status).toBe(422);
    // Every listed name works with the other endpoints, also the renamed collision.
    for (const name of names) {
      const res = await h.request('GET', `/api/live2d/model_config/${encodeURIComponent(name)}`);
      expect({ name, status: res.status, success: res.json.success }).toEqual({ name, status: 200, success: true });
    }
  });

  it("GET cubism_core says whether Live2D's Cubism Core is in <data>/live2d/, and the file then loads from /user_live2d", async () => {
    const core = join(h.root, 'live2d', 'live2dcubismcore.min.js');
    const before = await h.request('GET', '/api/live2d/cubism_core');
    expect(before.json).toEqual({ available: false, path: core, url: '/user_live2d/live2dcubismcore.min.js' });
    writeFileSync(core, 'window.Live2DCubismCore = {};');
    try {
      expect((await h.request('GET', '/api/live2d/cubism_core')).json).toMatchObject({ available: true });
      expect((await h.request('GET', '/user_live2d/live2dcubismcore.min.js')).text).toContain('Live2DCubismCore');
    } finally {
      rmSync(core);
    }
  });

  it('GET model_config adds missing FileReferences keys and writes back with indent 4; POST copies Motions/Expressions only', async () => {
    const res = await h.request('GET', '/api/live2d/model_config/hiyori');
    expect(res.json).toEqual({ success: true, config: { Version: 3, FileReferences: { Moc: 'hiyori.moc3', Textures: [], Motions: {}, Expressions: [] } } });
    const raw = readFileSync(join(h.root, 'live2d', 'hiyori', 'hiyori.model3.json'), 'utf8');
    expect(raw).toContain('\n    "FileReferences": {\n        "Moc"');
    expect(await h.request('GET', '/api/live2d/model_config/nope')).toMatchObject({ status: 404, json: { success: false, error: '模型目录不存在' } });
    expect(await h.request('GET', '/api/live2d/model_config/empty_model')).toMatchObject({ status: 404, json: { success: false, error: '模型配置文件不存在' } });

    const motions = { Idle: [{ File: 'motions/idle.motion3.json' }] };
    const post = await h.request('POST', '/api/live2d/model_config/hiyori', { json: { FileReferences: { Motions: motions, Moc: 'evil.moc3' }, Version: 99 } });
    expect(post).toMatchObject({ status: 200, json: { success: true, message: '模型配置已更新' } });
    expect(model3Of('hiyori')).toEqual({ Version: 3, FileReferences: { Moc: 'hiyori.moc3', Textures: [], Motions: motions, Expressions: [] } });
    expect(await h.request('POST', '/api/live2d/model_config/nope', { json: {} })).toMatchObject({ status: 404, json: { error: '模型目录不存在' } });
  });

  it('emotion_mapping: derived from FileReferences, then saved (常驻 ignored for motions, unsafe paths dropped, indent 2, CJK unescaped)', async () => {
    const name = encodeURIComponent('小天模型');
    const derived = await h.request('GET', `/api/live2d/emotion_mapping/${name}`);
    expect(derived.json).toEqual({
      success: true,
      config: {
        motions: { happy: ['motions/happy.motion3.json'], Idle: ['motions/idle.motion3.json'] },
        expressions: { happy: ['expressions/smile.exp3.json'], neutral: ['expressions/plain.exp3.json'] },
      },
    });
    const body = {
      motions: { happy: ['motions\\happy.motion3.json', './motions/talk.motion3.json', '../../config/x.motion3.json', '/etc/passwd', 7], 常驻: ['motions/idle.motion3.json'] },
      expressions: { happy: ['expressions/smile.exp3.json'], 常驻: ['expressions/plain.exp3.json'] },
    };
    expect(await h.request('POST', `/api/live2d/emotion_mapping/${name}`, { json: body })).toMatchObject({ status: 200, json: { success: true, message: '情绪映射配置已保存' } });
    const file = join(h.root, 'live2d', '小天模型', '小天模型.model3.json');
    const raw = readFileSync(file, 'utf8');
    expect(raw).toContain('\n  "FileReferences": {');
    expect(raw).toContain('"常驻"');
    const saved = JSON.parse(raw) as Json;
    expect(saved.FileReferences.Motions).toEqual({ happy: [{ File: 'motions/happy.motion3.json' }, { File: 'motions/talk.motion3.json' }] });
    expect(saved.FileReferences.Expressions).toEqual([
      { Name: 'plain', File: 'expressions/plain.exp3.json' },
      { Name: 'happy_smile', File: 'expressions/smile.exp3.json' },
      { Name: '常驻_plain', File: 'expressions/plain.exp3.json' },
    ]);
    expect(saved.EmotionMapping).toEqual(body);
    expect(saved.Groups).toBeDefined(); // untouched keys kept
    expect((await h.request('GET', `/api/live2d/emotion_mapping/${name}`)).json).toEqual({ success: true, config: body });

    expect(await h.request('POST', `/api/live2d/emotion_mapping/${name}`, { json: {} })).toMatchObject({ status: 400, json: { success: false, error: '无效的数据' } });
    expect(await h.request('POST', `/api/live2d/emotion_mapping/${name}`, { json: { motions: 'x' } })).toMatchObject({ status: 400, json: { error: '无效的数据' } });
    expect(await h.request('POST', '/api/live2d/emotion_mapping/nope', { json: body })).toMatchObject({ status: 404, json: { error: '模型目录不存在' } });
    expect(await h.request('GET', '/api/live2d/emotion_mapping/empty_model')).toMatchObject({ status: 404, json: { error: '模型配置文件不存在' } });
  });

  it('concurrent edits of one model3.json never lose each other (read-modify-write is serialised per file)', async () => {
    const name = encodeURIComponent('小天模型');
    const mapping = { motions: { happy: ['motions/happy.motion3.json'] }, expressions: { happy: ['expressions/smile.exp3.json'] } };
    for (let round = 0; round < 10; round++) {
      const [a, b, c] = await Promise.all([
        h.request('POST', `/api/live2d/emotion_mapping/${name}`, { json: mapping }),
        h.request('POST', `/api/live2d/model_config/${name}`, { json: { FileReferences: {} } }),
        h.request('GET', `/api/live2d/model_config/${name}`),
      ]);
      expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
      expect(model3Of('小天模型').EmotionMapping).toEqual(mapping);
      const raw = model3Of('小天模型');
      delete raw.EmotionMapping;
      writeFileSync(join(h.root, 'live2d', '小天模型', '小天模型.model3.json'), JSON.stringify(raw));
    }
  });

  it('model_files lists motions and expressions recursively, without symlinks leading outside; the files load by URL', async () => {
    const res = await h.request('GET', `/api/live2d/model_files/${encodeURIComponent('小天模型')}`);
    expect(res.json).toEqual({
      success: true,
      motion_files: ['motions/happy.motion3.json', 'motions/idle.motion3.json', 'motions/talk.motion3.json'],
      expression_files: ['expressions/plain.exp3.json', 'expressions/smile.exp3.json'],
    });
    for (const f of res.json.motion_files as string[]) expect((await h.request('GET', `/user_live2d/小天模型/${f}`)).status).toBe(200);
    const hiyori = await h.request('GET', '/api/live2d/model_files/hiyori');
    expect(hiyori.json).toEqual({ success: true, motion_files: [], expression_files: [] });
    expect((await h.request('GET', '/user_live2d/hiyori/secret.motion3.json')).status).not.toBe(200);
    expect((await h.request('GET', '/user_live2d/escape/evil.model3.json')).status).not.toBe(200);
    expect((await h.request('GET', '/api/live2d/model_files/nope')).json).toEqual({ success: false, error: '模型 nope 不存在' });
  });

  it('model_parameters reads the cdi3; save/load_model_parameters round-trip parameters.json', async () => {
    const name = encodeURIComponent('小天模型');
    expect((await h.request('GET', `/api/live2d/model_parameters/${name}`)).json).toEqual({
      success: true,
      parameters: [
        { id: 'ParamAngleX', groupId: 'head', name: '角度 X' },
        { id: 'ParamMouthOpenY', groupId: '', name: 'ParamMouthOpenY' },
      ],
      parameter_groups: { head: { id: 'head', name: '头' } },
    });
    expect((await h.request('GET', '/api/live2d/model_parameters/hiyori')).json).toEqual({ success: false, error: '未找到.cdi3.json文件' });
    expect((await h.request('GET', '/api/live2d/model_parameters/nope')).json).toEqual({ success: false, error: '模型 nope 不存在' });

    expect((await h.request('GET', `/api/live2d/load_model_parameters/${name}`)).json).toEqual({ success: true, parameters: {} });
    const parameters = { ParamAngleX: 3.5, 参数: 1 };
    expect(await h.request('POST', `/api/live2d/save_model_parameters/${name}`, { json: { parameters } })).toMatchObject({ status: 200, json: { success: true, message: '参数保存成功' } });
    const raw = readFileSync(join(h.root, 'live2d', '小天模型', 'parameters.json'), 'utf8');
    expect(raw).toBe('{\n  "ParamAngleX": 3.5,\n  "参数": 1\n}');
    expect((await h.request('GET', `/api/live2d/load_model_parameters/${name}`)).json).toEqual({ success: true, parameters });
    expect(await h.request('POST', `/api/live2d/save_model_parameters/${name}`, { json: { parameters: [1] } })).toMatchObject({ status: 400, json: { success: false, error: '参数格式错误' } });
    expect(await h.request('POST', '/api/live2d/save_model_parameters/nope', { json: { parameters } })).toMatchObject({ status: 404, json: { error: '模型 nope 不存在' } });
    expect((await h.request('GET', '/api/live2d/load_model_parameters/nope')).json).toEqual({ success: false, error: '模型 nope 不存在' });
    writeFileSync(join(h.root, 'live2d', 'hiyori', 'parameters.json'), '{broken');
    expect((await h.request('GET', '/api/live2d/load_model_parameters/hiyori')).json).toMatchObject({ success: false, parameters: {} });
  });

  it('by workshop id: model_config_by_id GET|POST and model_files_by_id (model_config_url loads); a model name works as fallback', async () => {
    const cfg = await h.request('GET', `/api/live2d/model_config_by_id/${ITEM}`);
    expect(cfg.json.success).toBe(true);
    expect(cfg.json.config.FileReferences.Moc).toBe('luna.moc3');
    const motions = { Idle: [{ File: 'motions/idle.motion3.json' }] };
    expect((await h.request('POST', `/api/live2d/model_config_by_id/${ITEM}`, { json: { FileReferences: { Motions: motions } } })).json).toEqual({ success: true, message: '模型配置已更新' });
    expect((JSON.parse(readFileSync(join(h.root, 'steam', ITEM, 'luna.model3.json'), 'utf8')) as Json).FileReferences.Motions).toEqual(motions);
    expect(await h.request('GET', '/api/live2d/model_config_by_id/999')).toMatchObject({ status: 404, json: { error: '模型目录不存在' } });

    const files = await h.request('GET', `/api/live2d/model_files_by_id/${ITEM}`);
    expect(files.json).toMatchObject({ success: true, model_config_url: `/workshop/${ITEM}/luna.model3.json` });
    expect(files.json.motion_files).toContain('motions/happy.motion3.json');
    expect((await h.request('GET', files.json.model_config_url as string)).json.Version).toBe(3);
    const byName = await h.request('GET', '/api/live2d/model_files_by_id/hiyori');
    expect(byName.json).toEqual({ success: true, motion_files: [], expression_files: [], model_config_url: '/user_live2d/hiyori/hiyori.model3.json' });
    expect((await h.request('GET', byName.json.model_config_url as string)).status).toBe(200);
    expect((await h.request('GET', '/api/live2d/model_files_by_id/undefined')).json).toEqual({ success: false, error: '无效的模型ID' });
    expect((await h.request('GET', '/api/live2d/model_files_by_id/nope')).json).toEqual({ success: false, error: '模型不存在' });
  });

  it('traversal in model names never reads or writes outside the roots', async () => {
    const before = readFileSync(join(h.root, 'config', 'characters.json'), 'utf8');
    for (const bad of ['..%2F..%2Fconfig', '..%5C..%5Cconfig', '..', '%2E%2E', '..%2Fhiyori', 'hiyori%2F..%2F..%2Fconfig', '%00', 'C%3A%5CWindows']) {
      const why = `name ${bad}`;
      for (const path of ['model_config', 'emotion_mapping', 'model_files', 'model_parameters', 'load_model_parameters', 'model_config_by_id', 'model_files_by_id']) {
        const res = await h.request('GET', `/api/live2d/${path}/${bad}`);
        expect({ why, path, ok: res.status < 500 && res.json?.success !== true }).toEqual({ why, path, ok: true });
      }
      for (const path of ['model_config', 'emotion_mapping', 'save_model_parameters', 'model_config_by_id']) {
        const res = await h.request('POST', `/api/live2d/${path}/${bad}`, { json: { parameters: { a: 1 }, motions: {}, FileReferences: { Motions: {} } } });
        // A bare `..` is resolved away by the client (→ another path, 404 Not Found); the rest reach the route.
        expect({ why, path, status: res.status, success: res.json?.success === true }).toEqual({ why, path, status: 404, success: false });
      }
    }
    expect(readFileSync(join(h.root, 'config', 'characters.json'), 'utf8')).toBe(before);
    for (const dir of [h.root, join(h.root, 'config'), dirname(h.root)]) expect(existsSync(join(dir, 'parameters.json'))).toBe(false);
  });
});
