import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

const q = (v: string) => encodeURIComponent(v);
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The system router's file helpers (used by the workshop manager), confined to the allowed roots. */
describe('main system file helpers: file-exists, find-first-image, proxy-image (e2e)', () => {
  let h: MainHarness;
  let outside: string;
  let workshop: string;

  beforeAll(async () => {
    h = await startMainApp();
    workshop = join(h.root, 'workshop');
    mkdirSync(join(workshop, 'alpha'), { recursive: true });
    writeFileSync(join(workshop, 'alpha', 'preview.png'), PNG);
    writeFileSync(join(workshop, 'alpha', 'notes.txt'), 'hello');
    mkdirSync(join(workshop, 'big'));
    writeFileSync(join(workshop, 'big', 'preview.jpg'), Buffer.alloc(1024 * 1024 + 1));
    writeFileSync(join(workshop, 'big', 'icon.png'), PNG);
    writeFileSync(join(workshop, 'big', 'huge.png'), '');
    outside = mkdtempSync(join(tmpdir(), 'neko-outside-'));
    writeFileSync(join(outside, 'secret.png'), PNG);
    writeFileSync(join(outside, 'preview.png'), PNG);
    symlinkSync(outside, join(workshop, 'escape'));
  });

  afterAll(async () => {
    await h.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('file-exists', async () => {
    const ask = (path: string) => h.request('GET', `/api/file-exists?path=${q(path)}`);
    expect((await ask(join(workshop, 'alpha', 'preview.png'))).json).toEqual({ exists: true });
    expect((await ask('alpha/preview.png')).json).toEqual({ exists: true });
    expect((await ask(join(workshop, 'alpha'))).json).toEqual({ exists: false });
    expect((await ask(join(workshop, 'alpha', 'nope.png'))).json).toEqual({ exists: false });
    expect((await ask(join(workshop, 'escape', 'secret.png'))).json).toEqual({ exists: false });
    expect((await ask(join(outside, 'secret.png'))).json).toEqual({ exists: false });
    expect((await ask('/etc/passwd')).json).toEqual({ exists: false });
    for (const path of [`${workshop}/alpha/../alpha/preview.png`, `${workshop}/%2e%2e/x`, `${workshop}/%252e%252e/x`, 'a\\..\\b']) {
      const res = await ask(path);
      expect([path, res.status, res.json]).toEqual([path, 400, { exists: false }]);
    }
    expect((await h.request('GET', '/api/file-exists')).status).toBe(400);
  });

  it('find-first-image', async () => {
    const ask = (folder: string) => h.request('GET', `/api/find-first-image?folder=${q(folder)}`);
    expect((await ask(join(workshop, 'alpha'))).json).toEqual({ success: true, imagePath: join(workshop, 'alpha', 'preview.png') });
    // preview.jpg is over 1 MiB: the next name that exists is used.
    expect((await ask(join(workshop, 'big'))).json).toEqual({ success: true, imagePath: join(workshop, 'big', 'icon.png') });
    expect((await ask(workshop)).json).toEqual({ success: false, error: '未找到小于1MB的预览图片文件' });
    const invalid = { success: false, error: '无效的文件夹路径' };
    for (const [folder, status] of [
      [`${workshop}/alpha/..`, 403],
      [`${workshop}/%2e%2e`, 403],
      [`${workshop}//alpha`, 403],
      [outside, 403],
      [join(workshop, 'escape'), 403],
      ['/etc', 403],
      [join(workshop, 'alpha', 'notes.txt'), 400],
      [join(workshop, 'missing'), 400],
    ] as const) {
      const res = await ask(folder);
      expect([folder, res.status, res.json]).toEqual([folder, status, invalid]);
    }
    expect((await h.request('GET', '/api/find-first-image')).status).toBe(400);
  });

  it('proxy-image streams images with their MIME type', async () => {
    const res = await fetch(`${h.baseUrl}/api/steam/proxy-image?image_path=${q(q(join(workshop, 'alpha', 'preview.png')))}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    const relative = await h.request('GET', `/api/steam/proxy-image?image_path=${q('alpha/preview.png')}`);
    expect(relative.status).toBe(200);
  });

  it('proxy-image refuses traversal, symlink escapes, outside paths, remote URLs, non-images and huge files', async () => {
    const ask = (p: string) => h.request('GET', `/api/steam/proxy-image?image_path=${q(p)}`);
    for (const p of [join(outside, 'secret.png'), join(workshop, 'escape', 'secret.png'), `${workshop}/alpha/../alpha/preview.png`, `${workshop}/%2e%2e/x.png`, `${workshop}/%252e%252e/x.png`, '/etc/passwd']) {
      const res = await ask(p);
      expect([p, res.status, res.json.success, res.json.error.startsWith('文件不存在或无访问权限: ')]).toEqual([p, 404, false, true]);
    }
    expect((await ask('https://example.com/a.png')).json).toEqual({ success: false, error: '暂不支持远程图片URL' });
    expect((await ask('https://example.com/a.png')).status).toBe(400);
    expect((await ask(join(workshop, 'alpha', 'notes.txt'))).status).toBe(400);
    truncateSync(join(workshop, 'big', 'huge.png'), 50 * 1024 * 1024 + 1);
    const huge = await ask(join(workshop, 'big', 'huge.png'));
    expect([huge.status, huge.json]).toEqual([413, { success: false, error: '图片文件过大' }]);
    expect(statSync(join(workshop, 'big', 'huge.png')).size).toBeGreaterThan(50 * 1024 * 1024);
    expect((await h.request('GET', '/api/steam/proxy-image')).status).toBe(422);
  });
});
