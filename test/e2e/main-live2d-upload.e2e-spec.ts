import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMainApp, type MainHarness } from '../support/main-app.harness';
import { MODEL3, patchCentralSizes, prepareLive2dData, zip } from '../fixtures/models/live2d-fixtures';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- file contents asserted field by field


describe('main Live2D router /api/live2d: uploads', () => {
  let h: MainHarness;
  let outside: string;
  beforeEach(async () => {
    outside = mkdtempSync(join(tmpdir(), 'neko-outside-'));
    h = await startMainApp({ prepare: prepareLive2dData(outside) });
  });
  afterEach(async () => {
    await h.close();
  });


  it('uploads a model folder (webkitRelativePath names): files land in <data>/live2d/<name>, lip-sync curves cleared, model listed and served', async () => {
    const form = new FormData();
    for (const [rel, content] of Object.entries(modelFiles('MyModel'))) form.append('files', new Blob([content]), `MyModel/${rel}`);
    const res = await h.request('POST', '/api/live2d/upload_model', { body: form });
    const dir = join(h.root, 'live2d', 'MyModel');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, message: '模型 MyModel 上传成功', model_name: 'MyModel', model_path: expect.stringContaining(join('live2d', 'MyModel')) as string });
    expect(existsSync(join(dir, 'textures', 't.png'))).toBe(true);
    const talk = JSON.parse(readFileSync(join(dir, 'motions', 'talk.motion3.json'), 'utf8')) as Json;
    const segs = Object.fromEntries((talk.Curves as Json[]).map((c) => [c.Id as string, (c.Segments as number[]).length]));
    expect(segs).toEqual({ ParamMouthOpenY: 0, ParamCustomLip: 0, ParamAngleX: 5 });
    expect(readFileSync(join(dir, 'motions', 'talk.motion3.json'), 'utf8')).toContain('\n    "Curves"');
    const listed = (await h.request('GET', '/api/live2d/models')).json as Json[];
    expect(listed).toContainEqual({ name: 'MyModel', path: '/user_live2d/MyModel/MyModel.model3.json', source: 'documents' });
    expect((await h.request('GET', '/user_live2d/MyModel/textures/t.png')).text).toBe('PNG');

    const again = new FormData();
    again.append('files', new Blob(['{}']), 'MyModel/MyModel.model3.json');
    expect(await h.request('POST', '/api/live2d/upload_model', { body: again })).toMatchObject({ status: 400, json: { success: false, error: '模型 MyModel 已存在，请先删除或重命名现有模型' } });
    expect(readdirSync(h.root).filter((n) => n.startsWith('.live2d-upload'))).toEqual([]);
  });

  it('uploads a folder with a CJK name and a model whose motion files do not parse', async () => {
    const form = new FormData();
    form.append('files', new Blob([JSON.stringify(MODEL3('猫猫'))]), '猫猫/猫猫.model3.json');
    form.append('files', new Blob(['{not json']), '猫猫/motions/broken.motion3.json');
    const res = await h.request('POST', '/api/live2d/upload_model', { body: form });
    expect(res).toMatchObject({ status: 200, json: { success: true, model_name: '猫猫', message: '模型 猫猫 上传成功' } });
    expect(readFileSync(join(h.root, 'live2d', '猫猫', 'motions', 'broken.motion3.json'), 'utf8')).toBe('{not json');
    expect((await h.request('GET', '/user_live2d/猫猫/猫猫.model3.json')).json).toEqual(MODEL3('猫猫'));
  });

  it('refuses bad folder uploads with the exact messages', async () => {
    const post = (entries: Array<[string, string]>) => {
      const form = new FormData();
      for (const [name, content] of entries) form.append('files', new Blob([content]), name);
      return h.request('POST', '/api/live2d/upload_model', { body: form });
    };
    expect(await post([['A/a.model3.json', '{}'], ['A/sub/b.model3.json', '{}']])).toMatchObject({ status: 400, json: { success: false, error: '上传的文件中包含多个.model3.json文件' } });
    expect(await post([['A/readme.txt', 'x']])).toMatchObject({ status: 400, json: { error: '未找到.model3.json文件' } });
    expect(await post([['../evil/evil.model3.json', '{}']])).toMatchObject({ status: 400, json: { error: '非法文件路径' } });
    expect(await post([['A\\..\\..\\evil.model3.json', '{}']])).toMatchObject({ status: 400, json: { error: '非法文件路径' } });
    // A file sent where an earlier part made a folder, or a name too long for the disk: bad paths, not 500s.
    expect(await post([['A/A.model3.json', '{}'], ['A/x/y.txt', 'y'], ['A/x', 'x']])).toMatchObject({ status: 400, json: { error: '非法文件路径' } });
    expect(await post([['A/A.model3.json', '{}'], [`A/${'模'.repeat(100)}.txt`, 'x']])).toMatchObject({ status: 400, json: { error: '非法文件路径' } });
    expect(await post([])).toMatchObject({ status: 400, json: { error: '没有上传文件' } });
    expect(await h.request('POST', '/api/live2d/upload_model', { json: { files: [] } })).toMatchObject({ status: 400, json: { error: '没有上传文件' } });
    expect(existsSync(join(h.root, 'evil'))).toBe(false);
    expect(existsSync(join(h.root, 'live2d', 'A'))).toBe(false);
    expect(readdirSync(h.root).filter((n) => n.startsWith('.live2d-upload'))).toEqual([]);
  });

  it('uploads a .zip holding a model folder; refuses ../ entries, symlinks and zip bombs', async () => {
    const send = (bytes: Uint8Array, name = 'ZipModel.zip') => {
      const form = new FormData();
      form.append('files', new Blob([bytes]), name);
      return h.request('POST', '/api/live2d/upload_model', { body: form });
    };
    const files = Object.fromEntries(Object.entries(modelFiles('ZipModel')).map(([rel, c]) => [`ZipModel/${rel}`, c]));
    const ok = await send(zip({ ...files, '__MACOSX/ZipModel/._ZipModel.model3.json': 'junk' }));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ success: true, message: '模型 ZipModel 上传成功', model_name: 'ZipModel' });
    const talk = JSON.parse(readFileSync(join(h.root, 'live2d', 'ZipModel', 'motions', 'talk.motion3.json'), 'utf8')) as Json;
    expect((talk.Curves as Json[]).find((c) => c.Id === 'ParamMouthOpenY')!.Segments).toEqual([]);
    expect((await h.request('GET', '/user_live2d/ZipModel/ZipModel.model3.json')).status).toBe(200);
    // A flat archive is named after itself.
    expect((await send(zip({ 'Flat.model3.json': '{"Version":3}' }), 'FlatZip.zip')).json).toMatchObject({ success: true, model_name: 'FlatZip' });

    expect(await send(zip({ 'Z/Z.model3.json': '{}', '../evil.txt': 'x' }))).toMatchObject({ status: 400, json: { success: false, error: '非法文件路径' } });
    expect(await send(zip({ 'Z/Z.model3.json': '{}', '/abs/evil.txt': 'x' }))).toMatchObject({ status: 400, json: { error: '非法文件路径' } });
    expect(existsSync(join(h.root, 'evil.txt'))).toBe(false);
    const link = await send(zip({ 'Z/Z.model3.json': '{}', 'Z/link': ['/etc/passwd', { os: 3, attrs: (0o120777 << 16) >>> 0 }] }));
    expect(link).toMatchObject({ status: 400, json: { success: false } });
    expect(link.json.error).toContain('符号链接');

    const zeros = new Uint8Array(4 * 1024 * 1024);
    // One entry declaring 300 MB, or three declaring 190 MB each: refused before anything is inflated.
    const bigEntry = await send(patchCentralSizes(zip({ 'B/B.model3.json': '{}', 'B/bomb.bin': zeros }), 'B/bomb.bin', 300 * 1024 * 1024));
    expect(bigEntry).toMatchObject({ status: 413, json: { success: false, error: expect.stringContaining('200MB') as string } });
    let three = zip({ 'B/B.model3.json': '{}', 'B/b1.bin': zeros, 'B/b2.bin': zeros, 'B/b3.bin': zeros });
    for (const n of ['B/b1.bin', 'B/b2.bin', 'B/b3.bin']) three = patchCentralSizes(three, n, 190 * 1024 * 1024);
    const declaredHuge = await send(three);
    expect(declaredHuge).toMatchObject({ status: 413, json: { success: false, error: expect.stringContaining('500MB') as string } });
    // Declares 10 bytes but inflates to 4 MiB: stopped at the declared size.
    const lying = await send(patchCentralSizes(zip({ 'B/B.model3.json': '{}', 'B/bomb.bin': zeros }), 'B/bomb.bin', 10));
    expect(lying).toMatchObject({ status: 400, json: { success: false, error: 'ZIP文件无效或已损坏' } });
    expect(await send(new TextEncoder().encode('not a zip at all, really not'))).toMatchObject({ status: 400, json: { error: 'ZIP文件无效或已损坏' } });
    expect(existsSync(join(h.root, 'live2d', 'B'))).toBe(false);
    expect(existsSync(join(h.root, 'live2d', 'Z'))).toBe(false);
    expect(readdirSync(h.root).filter((n) => n.startsWith('.live2d-upload'))).toEqual([]);
  });

  it('several archives share the entry bound of one upload (not 2000 entries each)', async () => {
    const form = new FormData();
    const entries = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}/f${i}.txt`, '']));
    form.append('files', new Blob([zip({ 'M/M.model3.json': '{}', ...entries('M', 1199) })]), 'M.zip');
    form.append('files', new Blob([zip(entries('M/more', 1200))]), 'more.zip');
    const res = await h.request('POST', '/api/live2d/upload_model', { body: form });
    expect(res).toMatchObject({ status: 413, json: { success: false, error: '压缩包中的文件数量超过限制 (最多 2000 个)' } });
    expect(existsSync(join(h.root, 'live2d', 'M'))).toBe(false);
  });

  it('answers 413 with the limit when one uploaded file is larger than 200 MB', async () => {
    const form = new FormData();
    form.append('files', new Blob(['{}']), 'Big/Big.model3.json');
    form.append('files', new Blob([new Uint8Array(200 * 1024 * 1024 + 1)]), 'Big/big.moc3');
    const res = await h.request('POST', '/api/live2d/upload_model', { body: form });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ success: false, error: expect.stringContaining('200MB') as string });
    expect(existsSync(join(h.root, 'live2d', 'Big'))).toBe(false);
  });
});

/** The files of an uploadable model (paths relative to its folder). */
function modelFiles(name: string): Record<string, string> {
  return {
    [`${name}.model3.json`]: JSON.stringify({ ...MODEL3(name), Groups: [{ Target: 'Parameter', Name: 'LipSync', Ids: ['ParamCustomLip'] }] }),
    'motions/talk.motion3.json': JSON.stringify({
      Version: 3,
      Curves: [
        { Target: 'Parameter', Id: 'ParamMouthOpenY', Segments: [0, 0, 0, 1, 1] },
        { Target: 'Parameter', Id: 'ParamCustomLip', Segments: [0, 0, 0, 1, 1] },
        { Target: 'Parameter', Id: 'ParamAngleX', Segments: [0, 0, 0, 1, 1] },
      ],
    }),
    'textures/t.png': 'PNG',
  };
}
