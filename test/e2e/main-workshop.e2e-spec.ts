import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const STEAM_503 = { success: false, error: 'Steamworks未初始化', message: '请确保Steam客户端已运行且已登录' };
const q = (v: string) => encodeURIComponent(v);

describe('main workshop router /api/steam/workshop (e2e)', () => {
  let h: MainHarness;
  let workshop: string;
  let outside: string;

  beforeAll(async () => {
    h = await startMainApp();
    workshop = join(h.root, 'workshop');
    mkdirSync(join(workshop, 'alpha', 'models', 'deep'), { recursive: true });
    writeFileSync(join(workshop, 'alpha', 'preview.png'), Buffer.alloc(100, 1));
    writeFileSync(join(workshop, 'alpha', 'models', 'deep', 'a.bin'), Buffer.alloc(1000, 2));
    mkdirSync(join(workshop, 'beta'));
    writeFileSync(join(workshop, 'beta', 'steam_workshop_id_3012345678.txt'), 'Steam创意工坊物品ID: 3012345678\n');
    writeFileSync(join(workshop, 'beta', 'mod.json'), '{}');
    writeFileSync(join(workshop, 'loose-file.txt'), 'x');
    outside = mkdtempSync(join(tmpdir(), 'neko-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(workshop, 'escape'));
  });

  afterAll(async () => {
    await h.close();
    rmSync(outside, { recursive: true, force: true });
  });

  describe('Steam-only endpoints', () => {
    it('subscribed-items answers the Steam-unavailable 503 the UI handles', async () => {
      const res = await h.request('GET', '/api/steam/workshop/subscribed-items');
      expect(res.status).toBe(503);
      expect(res.json).toEqual(STEAM_503);
    });

    it('item/{id} and item/{id}/path check the id first', async () => {
      expect((await h.request('GET', '/api/steam/workshop/item/abc')).json).toEqual({ success: false, error: '无效的物品ID', message: '提供的物品ID不是有效的数字' });
      expect((await h.request('GET', '/api/steam/workshop/item/abc')).status).toBe(400);
      expect((await h.request('GET', '/api/steam/workshop/item/abc/path')).status).toBe(400);
      const item = await h.request('GET', '/api/steam/workshop/item/3012345678');
      expect([item.status, item.json]).toEqual([503, STEAM_503]);
      expect((await h.request('GET', '/api/steam/workshop/item/3012345678/path')).status).toBe(503);
    });

    it('unsubscribe: missing id 400, bad id 400, else 503', async () => {
      const missing = await h.request('POST', '/api/steam/workshop/unsubscribe', { json: {} });
      expect([missing.status, missing.json]).toEqual([400, { success: false, error: '缺少必要参数', message: '请求中缺少物品ID' }]);
      const bad = await h.request('POST', '/api/steam/workshop/unsubscribe', { json: { item_id: 'x1' } });
      expect([bad.status, bad.json.error]).toEqual([400, '无效的物品ID']);
      const ok = await h.request('POST', '/api/steam/workshop/unsubscribe', { json: { item_id: '3012345678' } });
      expect([ok.status, ok.json]).toEqual([503, STEAM_503]);
    });
  });

  describe('config', () => {
    it('GET answers the file', async () => {
      const res = await h.request('GET', '/api/steam/workshop/config');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true, config: { default_workshop_folder: workshop, auto_create_folder: true } });
    });

    it('POST merges the known keys (indent kept at 4), ignores others and creates the mod folder', async () => {
      const mods = join(h.root, 'my-mods', 'nested');
      const res = await h.request('POST', '/api/steam/workshop/config', { json: { user_mod_folder: mods, auto_create_folder: true, bogus: 1 } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true, config: { default_workshop_folder: workshop, auto_create_folder: true, user_mod_folder: mods } });
      const raw = readFileSync(join(h.root, 'config', 'workshop_config.json'), 'utf8');
      expect(JSON.parse(raw)).toEqual({ default_workshop_folder: workshop, auto_create_folder: true, user_mod_folder: mods });
      expect(raw).toContain('\n    "user_mod_folder"');
      expect(readFileSync(join(h.root, 'config', 'workshop_config.json'), 'utf8')).not.toContain('bogus');
      expect(statSync(mods).isDirectory()).toBe(true);
      // Back to the default folder for the other tests.
      const back = await h.request('POST', '/api/steam/workshop/config', { json: { user_mod_folder: '' } });
      expect(back.json.config.user_mod_folder).toBe('');
    });

    it('POST refuses folders that would widen the readable roots: fs root, home, parents, `..`, missing folders outside home', async () => {
      for (const folder of ['/', homedir(), dirname(h.root), join(h.root, '..', 'x'), '../x', join(outside, 'new-mods'), '']) {
        const res = await h.request('POST', '/api/steam/workshop/config', { json: { user_mod_folder: folder, auto_create_folder: false } });
        if (folder === '') expect(res.json.success).toBe(true);
        else expect([folder, res.json.success, res.json.error]).toEqual([folder, false, `不能使用该文件夹作为创意工坊文件夹: ${folder}`]);
      }
      expect(JSON.parse(readFileSync(join(h.root, 'config', 'workshop_config.json'), 'utf8')).user_mod_folder).toBe('');
      expect(() => statSync(join(outside, 'new-mods'))).toThrow();
      // An existing folder elsewhere is the user's choice (e.g. another drive).
      const existing = await h.request('POST', '/api/steam/workshop/config', { json: { user_mod_folder: outside, auto_create_folder: false } });
      expect(existing.json.success).toBe(true);
      await h.request('POST', '/api/steam/workshop/config', { json: { user_mod_folder: '' } });
    });

    it('POST without a workshop_config.json writes a new one with indent 4 from the defaults', async () => {
      const file = join(h.root, 'config', 'workshop_config.json');
      rmSync(file);
      const res = await h.request('POST', '/api/steam/workshop/config', { json: { default_workshop_folder: workshop } });
      expect(res.json).toEqual({ success: true, config: { default_workshop_folder: workshop, auto_create_folder: true } });
      expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ default_workshop_folder: workshop, auto_create_folder: true }, null, 4));
    });

    it('POST without a workshop_config.json: concurrent saves both land (no lost update)', async () => {
      const file = join(h.root, 'config', 'workshop_config.json');
      for (let round = 0; round < 5; round++) {
        rmSync(file, { force: true });
        const [a, b] = await Promise.all([
          h.request('POST', '/api/steam/workshop/config', { json: { auto_create_folder: false } }),
          h.request('POST', '/api/steam/workshop/config', { json: { user_mod_folder: '' } }),
        ]);
        expect([a.json.success, b.json.success]).toEqual([true, true]);
        expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ default_workshop_folder: workshop, auto_create_folder: false, user_mod_folder: '' });
      }
      await h.request('POST', '/api/steam/workshop/config', { json: { auto_create_folder: true } });
    });

    it('POST refuses values of the wrong type', async () => {
      const res = await h.request('POST', '/api/steam/workshop/config', { json: { auto_create_folder: 'yes' } });
      expect(res.json).toEqual({ success: false, error: 'auto_create_folder必须是布尔值' });
    });
  });

  describe('local items', () => {
    it('scan lists the sub-folders of the workshop folder (body {}), with size and preview', async () => {
      const res = await h.request('POST', '/api/steam/workshop/local-items/scan', { json: {} });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ success: true, published_items: [], folder_path: workshop, default_path_used: true });
      const items = res.json.local_items as Array<Record<string, unknown>>;
      // The symlink leading outside the roots is not listed; files are not items.
      expect(items.map((i) => [i.id, i.name])).toEqual([
        ['local_1', 'alpha'],
        ['local_2', 'beta'],
      ]);
      expect(items[0]).toMatchObject({ path: join(workshop, 'alpha'), size: 1100, tags: ['本地文件'], previewImage: join(workshop, 'alpha', 'preview.png') });
      expect(typeof items[0].lastModified).toBe('number');
      expect(items[1].previewImage).toBeNull();
    });

    it('a file is never accepted as the mod folder; a hand-edited one makes the default scan 400, not 500', async () => {
      const file = join(workshop, 'loose-file.txt');
      const refused = await h.request('POST', '/api/steam/workshop/config', { json: { user_mod_folder: file } });
      expect(refused.json).toEqual({ success: false, error: `不能使用该文件夹作为创意工坊文件夹: ${file}` });
      const configFile = join(h.root, 'config', 'workshop_config.json');
      const saved = readFileSync(configFile, 'utf8');
      writeFileSync(configFile, JSON.stringify({ ...JSON.parse(saved), user_mod_folder: file }, null, 4));
      try {
        const res = await h.request('POST', '/api/steam/workshop/local-items/scan', { json: {} });
        expect([res.status, res.json.success, res.json.default_path_used]).toEqual([400, false, true]);
      } finally {
        writeFileSync(configFile, saved);
      }
    });

    it('scan: missing folder 404, a file 400, outside the roots 403', async () => {
      const missing = await h.request('POST', '/api/steam/workshop/local-items/scan', { json: { folder_path: join(workshop, 'nope') } });
      expect([missing.status, missing.json]).toEqual([404, { success: false, error: `指定的文件夹不存在: ${join(workshop, 'nope')}`, default_path_used: false }]);
      const file = await h.request('POST', '/api/steam/workshop/local-items/scan', { json: { folder_path: join(workshop, 'loose-file.txt') } });
      expect(file.status).toBe(400);
      for (const folder_path of [outside, '/etc', join(workshop, 'escape'), join(workshop, '..', '..')]) {
        const res = await h.request('POST', '/api/steam/workshop/local-items/scan', { json: { folder_path } });
        expect([folder_path, res.status, res.json.error]).toEqual([folder_path, 403, '访问被拒绝: 路径不在允许的范围内']);
      }
    });

    it('local-items/{id}?folder_path= describes the folder; 400/403/404 as the original', async () => {
      const ok = await h.request('GET', `/api/steam/workshop/local-items/local_1?folder_path=${q(join(workshop, 'alpha'))}`);
      expect(ok.status).toBe(200);
      expect(ok.json.item).toMatchObject({ id: 'local_1', name: 'alpha', tags: ['模组'], size: 1100 });
      const relative = await h.request('GET', `/api/steam/workshop/local-items/local_2?folder_path=beta`);
      expect(relative.json.item).toMatchObject({ name: 'beta', path: join(workshop, 'beta') });
      const noFolder = await h.request('GET', '/api/steam/workshop/local-items/local_1');
      expect([noFolder.status, noFolder.json]).toEqual([400, { success: false, error: '未提供文件夹路径' }]);
      const denied = await h.request('GET', `/api/steam/workshop/local-items/local_1?folder_path=${q(outside)}`);
      expect([denied.status, denied.json.error]).toEqual([403, '访问被拒绝: 路径不在允许的范围内']);
      const traversal = await h.request('GET', `/api/steam/workshop/local-items/local_1?folder_path=${q('alpha/../../..')}`);
      expect(traversal.status).toBe(403);
      const badId = await h.request('GET', `/api/steam/workshop/local-items/item_1?folder_path=alpha`);
      expect([badId.status, badId.json.error]).toEqual([400, '无效的物品ID格式']);
      const missing = await h.request('GET', `/api/steam/workshop/local-items/local_9?folder_path=gamma`);
      expect([missing.status, missing.json]).toEqual([404, { success: false, error: '物品不存在' }]);
    });

    it('check-upload-status reads the marker file', async () => {
      const published = await h.request('GET', `/api/steam/workshop/check-upload-status?item_path=${q(join(workshop, 'beta'))}`);
      expect(published.json).toEqual({ success: true, is_published: true, published_file_id: '3012345678' });
      const fresh = await h.request('GET', `/api/steam/workshop/check-upload-status?item_path=alpha`);
      expect(fresh.json).toEqual({ success: true, is_published: false, published_file_id: null });
      const noPath = await h.request('GET', '/api/steam/workshop/check-upload-status');
      expect([noPath.status, noPath.json]).toEqual([400, { success: false, error: '未提供物品文件夹路径' }]);
      expect((await h.request('GET', `/api/steam/workshop/check-upload-status?item_path=${q(outside)}`)).status).toBe(403);
      const notDir = await h.request('GET', `/api/steam/workshop/check-upload-status?item_path=loose-file.txt`);
      expect([notDir.status, notDir.json.error]).toEqual([400, '无效的物品文件夹路径']);
    });
  });

  describe('publish', () => {
    const body = (extra: Record<string, unknown>) => ({ title: 'My mod', content_folder: join(workshop, 'alpha'), visibility: 0, ...extra });

    it('checks the required fields in order', async () => {
      const res = await h.request('POST', '/api/steam/workshop/publish', { json: { content_folder: 'x' } });
      expect([res.status, res.json]).toEqual([400, { success: false, error: '缺少必要字段: title' }]);
      const vis = await h.request('POST', '/api/steam/workshop/publish', { json: { title: 't', content_folder: 'x' } });
      expect(vis.json.error).toBe('缺少必要字段: visibility');
    });

    it('an item with a marker answers its id without Steam', async () => {
      const res = await h.request('POST', '/api/steam/workshop/publish', { json: body({ content_folder: join(workshop, 'beta'), visibility: '2', tags: ['模组'] }) });
      expect([res.status, res.json]).toEqual([200, { success: true, published_file_id: 3012345678, message: '发布成功' }]);
    });

    it('a new upload needs Steam: 503 after every check passed', async () => {
      const res = await h.request('POST', '/api/steam/workshop/publish', { json: body({ preview_image: 'preview.png' }) });
      expect([res.status, res.json]).toEqual([503, STEAM_503]);
    });

    it('folder checks: 404 missing, 400 not a folder, 400 empty, 403 outside', async () => {
      const missing = await h.request('POST', '/api/steam/workshop/publish', { json: body({ content_folder: join(workshop, 'nope') }) });
      expect([missing.status, missing.json.error]).toEqual([404, '内容文件夹不存在']);
      const file = await h.request('POST', '/api/steam/workshop/publish', { json: body({ content_folder: join(workshop, 'loose-file.txt') }) });
      expect([file.status, file.json.error]).toEqual([400, '不是有效的文件夹']);
      mkdirSync(join(workshop, 'empty'), { recursive: true });
      const empty = await h.request('POST', '/api/steam/workshop/publish', { json: body({ content_folder: join(workshop, 'empty') }) });
      expect([empty.status, empty.json.error]).toEqual([400, '内容文件夹为空']);
      rmSync(join(workshop, 'empty'), { recursive: true });
      const out = await h.request('POST', '/api/steam/workshop/publish', { json: body({ content_folder: outside }) });
      expect([out.status, out.json.error]).toEqual([403, '访问被拒绝: 路径不在允许的范围内']);
      const preview = await h.request('POST', '/api/steam/workshop/publish', { json: body({ preview_image: 'models' }) });
      expect([preview.status, preview.json.error]).toEqual([400, '预览图片无效']);
      const bad = await h.request('POST', '/api/steam/workshop/publish', { json: body({ visibility: 'public' }) });
      expect(bad.status).toBe(400);
    });
  });
});
