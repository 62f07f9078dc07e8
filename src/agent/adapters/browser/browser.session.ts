/**
 * One headless Chromium shared by all browser-use tasks, launched on first use. Each task gets its
 * own isolated BrowserContext (no cookies or storage leak between tasks), closed when the task ends.
 * The browser itself is closed after an idle period and on shutdown, and relaunched if it crashed.
 */
import type { Browser, BrowserContext } from 'puppeteer-core';

export interface BrowserSessionOptions {
  /** Resolved at launch time, so a browser installed later is picked up. */
  readonly executablePath: () => string | undefined;
  readonly headless: boolean;
  /** Close the browser when no task used it for this long. */
  readonly idleCloseMs: number;
  readonly launchTimeoutMs: number;
  /** Upper bound of one DevTools protocol call. */
  readonly protocolTimeoutMs: number;
}

/** The flags tested on Debian's chromium (design/dependencies.md §6). */
export function chromiumArgs(platform: NodeJS.Platform = process.platform, isRoot: boolean = process.getuid?.() === 0): string[] {
  const args = [
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
    '--mute-audio',
  ];
  // As root Chromium refuses to start with its sandbox; in containers the sandbox usually fails too.
  if (isRoot || platform === 'linux') args.unshift('--no-sandbox');
  return args;
}

export class BrowserSession {
  private browser: Browser | undefined;
  private launching: Promise<Browser> | undefined;
  private readonly contexts = new Set<BrowserContext>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BrowserSessionOptions) {}

  /** A fresh isolated context; pass it to release() when the task ends. */
  async openContext(): Promise<BrowserContext> {
    this.cancelIdle();
    const browser = await this.ensureBrowser();
    try {
      const context = await browser.createBrowserContext();
      this.contexts.add(context);
      return context;
    } catch (err) {
      this.scheduleIdle();
      throw err;
    }
  }

  /** Closes the context (idempotent); the browser then waits idleCloseMs for the next task. */
  async release(context: BrowserContext | undefined): Promise<void> {
    if (!context || !this.contexts.delete(context)) return;
    try {
      await context.close();
    } catch {
      // the browser may have crashed or been closed already
    }
    this.scheduleIdle();
  }

  /** Contexts not yet released (for tests and status). */
  get openContexts(): number {
    return this.contexts.size;
  }

  /** Pid of the running browser process, if any. */
  browserPid(): number | undefined {
    return this.browser?.connected ? this.browser.process()?.pid : undefined;
  }

  /** Closes every context and the browser. */
  async close(): Promise<void> {
    this.cancelIdle();
    this.contexts.clear();
    const pending = this.launching;
    this.launching = undefined;
    const browser = this.browser ?? (await pending?.catch(() => undefined));
    this.browser = undefined;
    if (!browser) return;
    try {
      await browser.close();
    } catch {
      browser.process()?.kill('SIGKILL');
    }
  }

  private async ensureBrowser(): Promise<Browser> {
    if (this.browser?.connected) return this.browser;
    this.browser = undefined;
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    const executablePath = this.options.executablePath();
    if (!executablePath) throw new Error('no Chromium executable found');
    // Loaded on first use: a user who never enables browser use never pays for it.
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({
      executablePath,
      headless: this.options.headless,
      args: chromiumArgs(),
      defaultViewport: { width: 1280, height: 800 },
      timeout: this.options.launchTimeoutMs,
      protocolTimeout: this.options.protocolTimeoutMs,
      // Nest owns the process signals; puppeteer still kills the child when the process exits.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = undefined;
      this.contexts.clear();
    });
    this.browser = browser;
    return browser;
  }

  private scheduleIdle(): void {
    this.cancelIdle();
    if (this.contexts.size > 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.contexts.size === 0) void this.close();
    }, this.options.idleCloseMs);
    this.idleTimer.unref();
  }

  private cancelIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
