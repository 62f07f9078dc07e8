import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumCandidates, locateChromium } from './chromium.locator';

describe('locateChromium', () => {
  let dir: string;
  const exe = (name: string, mode = 0o755): string => {
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'neko-chromium-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers NEKO_CHROMIUM_PATH over PUPPETEER_EXECUTABLE_PATH and CHROME_PATH', () => {
    const ours = exe('ours');
    const env = { NEKO_CHROMIUM_PATH: ours, PUPPETEER_EXECUTABLE_PATH: exe('pptr'), CHROME_PATH: exe('chrome'), PATH: '' };
    expect(locateChromium({ env, platform: 'linux', isExecutable: (p) => p.startsWith(dir) })).toBe(ours);
  });

  it('skips an environment path that does not exist and takes the next one', () => {
    const chrome = exe('chrome');
    const env = { NEKO_CHROMIUM_PATH: join(dir, 'missing'), PUPPETEER_EXECUTABLE_PATH: '  ', CHROME_PATH: chrome, PATH: '' };
    expect(locateChromium({ env, platform: 'linux', isExecutable: (p) => p.startsWith(dir) && !p.endsWith('missing') })).toBe(chrome);
  });

  it('uses the real file probe: a non-executable file is not a browser on POSIX', () => {
    const notExe = exe('chromium', 0o644);
    const env = { PATH: dir };
    const found = locateChromium({ env, platform: 'linux', isExecutable: undefined, homeDir: dir });
    expect(found).not.toBe(notExe);
    chmodSync(notExe, 0o755);
    expect(locateChromium({ env: { NEKO_CHROMIUM_PATH: notExe }, platform: 'linux' })).toBe(notExe);
  });

  it('finds a browser on PATH before the well-known places', () => {
    const onPath = exe('google-chrome-stable');
    const found = locateChromium({ env: { PATH: dir }, platform: 'linux', isExecutable: (p) => p === onPath || p === '/usr/bin/chromium' });
    expect(found).toBe(onPath);
  });

  it('an explicit option is authoritative, even when it is wrong', () => {
    const env = { NEKO_CHROMIUM_PATH: exe('ours'), PATH: '' };
    expect(locateChromium({ executablePath: join(dir, 'nope'), env, platform: 'linux' })).toBeUndefined();
    expect(locateChromium({ executablePath: env.NEKO_CHROMIUM_PATH, env: {}, platform: 'linux' })).toBe(env.NEKO_CHROMIUM_PATH);
  });

  it('returns undefined when nothing is installed', () => {
    expect(locateChromium({ env: { PATH: dir }, platform: 'linux', isExecutable: () => false })).toBeUndefined();
  });

  it('lists the Linux, macOS and Windows install locations', () => {
    const linux = chromiumCandidates({ env: {}, platform: 'linux' });
    expect(linux).toEqual(expect.arrayContaining(['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/snap/bin/chromium']));

    const mac = chromiumCandidates({ env: {}, platform: 'darwin', homeDir: '/Users/neko' });
    expect(mac).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(mac).toContain('/Users/neko/Applications/Chromium.app/Contents/MacOS/Chromium');

    const win = chromiumCandidates({
      env: { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\neko\\AppData\\Local', PATH: 'C:\\Windows' },
      platform: 'win32',
    });
    expect(win).toContain('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    expect(win).toContain('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe');
    expect(win).toContain('C:\\Users\\neko\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe');
    expect(win.some((p) => p.startsWith('C:\\Windows'))).toBe(false);
  });
});
