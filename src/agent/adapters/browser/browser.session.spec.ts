import { BrowserSession, chromiumArgs } from './browser.session';

describe('BrowserSession', () => {
  it('launches with the tested flags; --no-sandbox as root and on Linux only', () => {
    const common = ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
    expect(chromiumArgs('linux', false)).toEqual(expect.arrayContaining(['--no-sandbox', ...common]));
    expect(chromiumArgs('darwin', true)).toContain('--no-sandbox');
    expect(chromiumArgs('darwin', false)).not.toContain('--no-sandbox');
    expect(chromiumArgs('win32', false)).not.toContain('--no-sandbox');
  });

  it('fails to open a context when no executable is found, and stays closed', async () => {
    const session = new BrowserSession({ executablePath: () => undefined, headless: true, idleCloseMs: 10, launchTimeoutMs: 1000, protocolTimeoutMs: 1000 });
    await expect(session.openContext()).rejects.toThrow('no Chromium executable found');
    expect(session.openContexts).toBe(0);
    expect(session.browserPid()).toBeUndefined();
    await session.release(undefined);
    await session.close();
  });
});
