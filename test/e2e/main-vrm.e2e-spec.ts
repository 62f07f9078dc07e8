import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRoot } from '../../src/shared/lifecycle/app-root';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers asserted field by field

const ITEM = '3099999999';
const DEFAULT_MAP = {
  neutral: ['neutral'],
  happy: ['happy', 'joy', 'fun', 'smile', 'joy_01'],
  shy: ['shy', 'blush', 'bashful', 'embarrassed'],
  relaxed: ['relaxed', 'joy', 'fun', 'content'],
  sad: ['sad', 'sorrow', 'grief'],
  angry: ['angry', 'anger'],
  surprised: ['surprised', 'surprise', 'shock', 'e', 'o'],
};

function upload(h: MainHarness, path: 'upload' | 'upload_animation', name: string, bytes: Uint8Array | string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  return h.request('POST', `/api/model/vrm/${path}`, { body: form });
}

describe('main VRM router /api/model/vrm', () => {
  let h: MainHarness;
  let outside: string;
  beforeEach(async () => {
    outside = mkdtempSync(join(tmpdir(), 'neko-outside-'));
    writeFileSync(join(outside, 'secret.vrm'), 'SECRET');
    h = await startMainApp({
      prepare: (root) => {
        writeFileSync(join(root, 'config', 'workshop_config.json'), JSON.stringify({ default_workshop_folder: join(root, 'workshop'), WORKSHOP_PATH: join(root, 'steam') }, null, 4));
        mkdirSync(join(root, 'steam', ITEM, 'sub'), { recursive: true });
        writeFileSync(join(root, 'steam', ITEM, 'top.vrm'), 'TOP');
        writeFileSync(join(root, 'steam', ITEM, 'sub', 'inner.vrm'), 'INNER');
        mkdirSync(join(root, 'vrm'), { recursive: true });
        symlinkSync(join(outside, 'secret.vrm'), join(root, 'vrm', 'leak.vrm'));
        // Left by a main process (pid 2^22+1, never alive) that died mid-upload.
        writeFileSync(join(root, 'vrm', '.Dead.vrm.4194305.0badc0de.uploading'), 'PARTIAL');
      },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('uploads a .vrm (streamed, never overwriting), lists it, serves it and refuses bad uploads', async () => {
    const bytes = new TextEncoder().encode('glTF-binary-VRM');
    const res = await upload(h, 'upload', 'Avatar.vrm', bytes);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, message: 'VRM模型 Avatar.vrm 上传成功', model_name: 'Avatar', model_url: '/user_vrm/Avatar.vrm', file_size: bytes.length });
    expect(readFileSync(join(h.root, 'vrm', 'Avatar.vrm'), 'utf8')).toBe('glTF-binary-VRM');
    expect((await h.request('GET', '/user_vrm/Avatar.vrm')).text).toBe('glTF-binary-VRM');

    expect(await upload(h, 'upload', 'Avatar.vrm', 'OTHER')).toMatchObject({ status: 400, json: { success: false, error: 'VRM模型 Avatar.vrm 已存在，请先删除或重命名现有模型' } });
    expect(readFileSync(join(h.root, 'vrm', 'Avatar.vrm'), 'utf8')).toBe('glTF-binary-VRM');
    expect(await upload(h, 'upload', 'Avatar.glb', 'x')).toMatchObject({ status: 400, json: { error: '文件必须是.vrm格式' } });
    // A name the disk cannot hold (with the temp file's suffix) is refused, not a 500.
    for (const long of [`${'a'.repeat(240)}.vrm`, `${'模'.repeat(80)}.vrm`]) {
      expect(await upload(h, 'upload', long, 'x')).toMatchObject({ status: 400, json: { error: expect.stringContaining('过长') } });
    }
    // A folder part in the name is dropped: the file lands in <data>/vrm, never above it.
    expect((await upload(h, 'upload', '../../evil.vrm', 'x')).json).toMatchObject({ success: true, model_url: '/user_vrm/evil.vrm' });
    expect(existsSync(join(h.root, '..', 'evil.vrm'))).toBe(false);
    expect(await h.request('POST', '/api/model/vrm/upload', { json: {} })).toMatchObject({ status: 400, json: { error: '没有上传文件' } });

    const models = (await h.request('GET', '/api/model/vrm/models')).json as Json;
    expect(models.success).toBe(true);
    expect(models.models).toEqual(
      expect.arrayContaining([
        { name: 'Avatar', filename: 'Avatar.vrm', path: '/user_vrm/Avatar.vrm', url: '/user_vrm/Avatar.vrm', type: 'vrm', size: bytes.length, location: 'user' },
        { name: 'top', filename: 'top.vrm', path: `/workshop/${ITEM}/top.vrm`, url: `/workshop/${ITEM}/top.vrm`, type: 'vrm', size: 3, location: 'steam_workshop', source: 'steam_workshop', item_id: ITEM },
        expect.objectContaining({ url: `/workshop/${ITEM}/sub/inner.vrm`, item_id: ITEM }),
      ]),
    );
    const urls = (models.models as Json[]).map((m) => m.url as string);
    expect(urls).not.toContain('/user_vrm/leak.vrm');
    expect(new Set(urls).size).toBe(urls.length);
    for (const url of urls) expect((await h.request('GET', url)).status).toBe(200);
    expect((await h.request('GET', '/user_vrm/leak.vrm')).status).not.toBe(200);
  });

  it('removes the temp files of uploads a dead process left behind', () => {
    expect(existsSync(join(h.root, 'vrm', '.Dead.vrm.4194305.0badc0de.uploading'))).toBe(false);
  });

  it('answers 413 for a .vrm larger than 200 MB and leaves nothing behind', async () => {
    const res = await upload(h, 'upload', 'Huge.vrm', new Uint8Array(200 * 1024 * 1024 + 1));
    expect(res).toMatchObject({ status: 413, json: { success: false, error: '文件过大，最大允许 200MB' } });
    expect(existsSync(join(h.root, 'vrm', 'Huge.vrm'))).toBe(false);
  });

  it('uploads and lists animations', async () => {
    const res = await upload(h, 'upload_animation', 'wave.vrma', 'VRMA');
    expect(res).toMatchObject({ status: 200, json: { success: true, message: '动作文件 wave.vrma 上传成功', filename: 'wave.vrma', file_path: '/user_vrm/animation/wave.vrma' } });
    expect(await upload(h, 'upload_animation', 'wave.vrma', 'VRMA')).toMatchObject({ status: 400, json: { error: '动作文件 wave.vrma 已存在' } });
    expect(await upload(h, 'upload_animation', 'wave.vrm', 'x')).toMatchObject({ status: 400, json: { error: '文件必须是.vrma格式' } });
    const list = (await h.request('GET', '/api/model/vrm/animations')).json as Json;
    expect(list).toEqual({ success: true, animations: [{ name: 'wave', filename: 'wave.vrma', url: '/user_vrm/animation/wave.vrma', type: 'vrma', size: 4 }] });
    expect((await h.request('GET', '/user_vrm/animation/wave.vrma')).text).toBe('VRMA');
  });

  it('config and expressions are fixed answers', async () => {
    expect((await h.request('GET', '/api/model/vrm/config')).json).toEqual({ success: true, paths: { user_vrm: '/user_vrm', static_vrm: '/static/vrm', static_animation: '/static/vrm/animation' } });
    const ex = (await h.request('GET', '/api/model/vrm/expressions/any')).json as Json;
    expect(ex).toMatchObject({ success: true, note: '这是常见表情列表，实际表情以模型为准' });
    expect(ex.expressions).toContain('blink_l');
  });

  it('emotion mappings: default map, saved under <data>/vrm/configs (CJK names allowed), never into public/', async () => {
    const name = encodeURIComponent('小天');
    expect((await h.request('GET', `/api/model/vrm/emotion_mapping/${name}`)).json).toEqual({ success: true, config: DEFAULT_MAP });
    expect(await h.request('POST', `/api/model/vrm/emotion_mapping/${name}`, { json: { happy: 'joy' } })).toMatchObject({ status: 404, json: { success: false, error: '模型不存在' } });
    await upload(h, 'upload', '小天.vrm', 'VRM');
    const body = { happy: [' joy ', '', 3, 'smile'], sad: 'sorrow', blank: [], '': ['x'] };
    expect(await h.request('POST', `/api/model/vrm/emotion_mapping/${name}`, { json: body })).toMatchObject({ status: 200, json: { success: true, message: '配置保存成功' } });
    const file = join(h.root, 'vrm', 'configs', '小天_emotion.json');
    expect(readFileSync(file, 'utf8')).toBe('{\n  "happy": [\n    "joy",\n    "smile"\n  ],\n  "sad": [\n    "sorrow"\n  ]\n}');
    expect(existsSync(join(appRoot(), 'public', 'vrm', 'configs', '小天_emotion.json'))).toBe(false);
    expect((await h.request('GET', `/api/model/vrm/emotion_mapping/${name}`)).json).toEqual({ success: true, config: { happy: ['joy', 'smile'], sad: ['sorrow'] } });

    expect(await h.request('POST', `/api/model/vrm/emotion_mapping/${name}`, { json: {} })).toMatchObject({ status: 400, json: { error: '无效的数据结构：必须是包含情感映射的非空对象' } });
    expect(await h.request('POST', `/api/model/vrm/emotion_mapping/${name}`, { json: { happy: [1, 2] } })).toMatchObject({ status: 400, json: { error: '无效的数据：规范化后无有效情感映射' } });
    for (const bad of ['a%20b', '..%2F..%2Fconfig%2Fcharacters', '..%5Cx', '.hidden']) {
      const res = await h.request('GET', `/api/model/vrm/emotion_mapping/${bad}`);
      expect({ bad, status: res.status, success: res.json?.success }).toEqual({ bad, status: 400, success: false });
    }
    writeFileSync(file, '{broken');
    expect((await h.request('GET', `/api/model/vrm/emotion_mapping/${name}`)).json).toEqual({ success: true, config: DEFAULT_MAP });
  });

  it('deletes user models by URL and by name (with their mapping); refuses anything else', async () => {
    await upload(h, 'upload', 'One.vrm', 'ONE');
    await upload(h, 'upload', 'Two.vrm', 'TWO');
    expect(await h.request('DELETE', '/api/model/vrm/model', { json: {} })).toMatchObject({ status: 400, json: { success: false, error: '缺少 url 参数' } });
    expect(await h.request('DELETE', '/api/model/vrm/model', { json: { url: '/static/vrm/One.vrm' } })).toMatchObject({ status: 400, json: { error: '只能删除用户导入的 VRM 模型' } });
    for (const url of ['/user_vrm/../config/characters.json', '/user_vrm/animation/x.vrm', '/user_vrm/', '/user_vrm/One.txt']) {
      expect(await h.request('DELETE', '/api/model/vrm/model', { json: { url } })).toMatchObject({ status: 400, json: { error: '无效的模型路径' } });
    }
    expect(await h.request('DELETE', '/api/model/vrm/model', { json: { url: '/user_vrm/Nope.vrm' } })).toMatchObject({ status: 404, json: { error: '模型文件不存在' } });
    expect(await h.request('DELETE', '/api/model/vrm/model', { json: { url: '/user_vrm/leak.vrm' } })).toMatchObject({ status: 404 });
    expect(readFileSync(join(outside, 'secret.vrm'), 'utf8')).toBe('SECRET');
    expect(await h.request('DELETE', '/api/model/vrm/model', { json: { url: '/user_vrm/One.vrm' } })).toMatchObject({ status: 200, json: { success: true, message: 'VRM 模型 One 已删除' } });
    expect(existsSync(join(h.root, 'vrm', 'One.vrm'))).toBe(false);
    // Deleting a link removes the link, never the model it points at.
    symlinkSync(join(h.root, 'vrm', 'Two.vrm'), join(h.root, 'vrm', 'Alias.vrm'));
    expect(await h.request('DELETE', '/api/model/vrm/model', { json: { url: '/user_vrm/Alias.vrm' } })).toMatchObject({ status: 200, json: { success: true } });
    expect(existsSync(join(h.root, 'vrm', 'Alias.vrm'))).toBe(false);
    expect(readFileSync(join(h.root, 'vrm', 'Two.vrm'), 'utf8')).toBe('TWO');

    await h.request('POST', '/api/model/vrm/emotion_mapping/Two', { json: { happy: 'joy' } });
    expect(existsSync(join(h.root, 'vrm', 'configs', 'Two_emotion.json'))).toBe(true);
    expect(await h.request('DELETE', '/api/model/vrm/model/Two')).toMatchObject({ status: 200, json: { success: true, message: '模型 Two 已成功删除' } });
    expect(existsSync(join(h.root, 'vrm', 'Two.vrm'))).toBe(false);
    expect(existsSync(join(h.root, 'vrm', 'configs', 'Two_emotion.json'))).toBe(false);
    expect(await h.request('DELETE', '/api/model/vrm/model/Two')).toMatchObject({ status: 404, json: { error: '未在用户目录中找到模型 Two，可能是内置模型，无法删除' } });
    expect(await h.request('DELETE', '/api/model/vrm/model/..%2F..%2Fconfig%2Fcharacters')).toMatchObject({ status: 400, json: { success: false } });
    expect(existsSync(join(h.root, 'config', 'characters.json'))).toBe(true);
  });
});
