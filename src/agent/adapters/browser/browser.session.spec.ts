import { BrowserSession, chromiumArgs, isSandboxError, sandboxDisabledByDefault } from './browser.session';

describe('BrowserSession', () => {
  it('launches with the tested flags, adding --no-sandbox only when asked to', () => {
    const common = ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
    expect(chromiumArgs(false)).toEqual(expect.arrayContaining(common));
    expect(chromiumArgs(false)).not.toContain('--no-sandbox');
    expect(chromiumArgs(true)[0]).toBe('--no-sandbox');
  });

  it('turns the sandbox off by default only as root or with NEKO_CHROMIUM_NO_SANDBOX=1', () => {
    expect(sandboxDisabledByDefault(0, {})).toBe(true);
    expect(sandboxDisabledByDefault(1000, {})).toBe(false);
    expect(sandboxDisabledByDefault(undefined, {})).toBe(false); // Windows has no getuid
    expect(sandboxDisabledByDefault(1000, { NEKO_CHROMIUM_NO_SANDBOX: '1' })).toBe(true);
    expect(sandboxDisabledByDefault(1000, { NEKO_CHROMIUM_NO_SANDBOX: '0' })).toBe(false);
  });

  it('recognises the launch errors that call for a retry without the sandbox', () => {
    expect(isSandboxError(new Error('Failed to launch the browser process!\n[1:1:FATAL:zygote_host_impl_linux.cc] No usable sandbox! ...'))).toBe(true);
    expect(isSandboxError(new Error('Running as root without --no-sandbox is not supported. See https://crbug.com/638180.'))).toBe(true);
    expect(isSandboxError(new Error('Timed out after 30000 ms while waiting for the WS endpoint URL'))).toBe(false);
  });

  it('fails to open a context when no executable is found, and stays closed', async () => {
    const session = new BrowserSession({ executablePath: () => undefined, headless: true, idleCloseMs: 10, launchTimeoutMs: 1000, protocolTimeoutMs: 1000, maxContexts: 1 });
    await expect(session.openContext()).rejects.toThrow('no Chromium executable found');
    // the failed attempt gave its slot back: a second one fails the same way instead of waiting
    await expect(session.openContext()).rejects.toThrow('no Chromium executable found');
    expect(session.openContexts).toBe(0);
    expect(session.browserPid()).toBeUndefined();
    await session.release(undefined);
    await session.close();
  });

  it('refuses new contexts after close() instead of launching a browser after shutdown', async () => {
    let located = 0;
    const session = new BrowserSession({ executablePath: () => (located++, undefined), headless: true, idleCloseMs: 10, launchTimeoutMs: 1000, protocolTimeoutMs: 1000 });
    await session.close();
    await expect(session.openContext()).rejects.toThrow('the browser session is shut down');
    expect(located).toBe(0);
  });

  it('gives up waiting for a slot when the signal fires', async () => {
    const session = new BrowserSession({ executablePath: () => undefined, headless: true, idleCloseMs: 10, launchTimeoutMs: 1000, protocolTimeoutMs: 1000 });
    const abort = new AbortController();
    abort.abort();
    await expect(session.openContext(abort.signal)).rejects.toThrow('aborted');
  });
});
