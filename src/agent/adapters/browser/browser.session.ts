/**
 * One headless Chromium shared by all browser-use tasks, launched on first use. Each task gets its
 * own isolated BrowserContext (no cookies or storage leak between tasks, downloads denied), closed
 * when the task ends; at most `maxContexts` at once, the others wait. The browser is closed after an
 * idle period and relaunched if it crashed; after close() (shutdown) the session refuses new work.
 */
import { Logger } from '@nestjs/common';
import type { Browser, BrowserContext } from 'puppeteer-core';
import { Semaphore } from './browser-context.semaphore';
import { blockPopups } from './browser-popup.guard';

export interface BrowserSessionOptions {
  /** Resolved at launch time, so a browser installed later is picked up. */
  readonly executablePath: () => string | undefined;
  readonly headless: boolean;
  /** Close the browser when no task used it for this long. */
  readonly idleCloseMs: number;
  readonly launchTimeoutMs: number;
  /** Upper bound of one DevTools protocol call. */
  readonly protocolTimeoutMs: number;
  /** Contexts (tasks) browsing at once (default 2). */
  readonly maxContexts?: number;
  /** Default: as root or with NEKO_CHROMIUM_NO_SANDBOX=1; otherwise a sandbox that cannot start is an error. */
  readonly noSandbox?: boolean;
}

/** How long close() waits for Chromium to quit before killing it. */
const CLOSE_TIMEOUT_MS = 5000;

/** The flags tested on Debian's chromium (design/dependencies.md §6). */
export function chromiumArgs(noSandbox: boolean): string[] {
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
  if (noSandbox) args.unshift('--no-sandbox');
  return args;
}

/** Chromium refuses its sandbox as root; NEKO_CHROMIUM_NO_SANDBOX=1 is for containers without user namespaces. */
export function sandboxDisabledByDefault(uid: number | undefined, env: NodeJS.ProcessEnv): boolean {
  return uid === 0 || env.NEKO_CHROMIUM_NO_SANDBOX?.trim() === '1';
}

/** What to tell the user when Chromium cannot start its sandbox (we never drop it silently). */
export const SANDBOX_HINT =
  'Chromium could not start its sandbox. If this system cannot give Chromium a sandbox (e.g. user namespaces are disabled), set NEKO_CHROMIUM_NO_SANDBOX=1';

/** The launch errors that mean "the sandbox cannot work here". */
export function isSandboxError(err: unknown): boolean {
  return /No usable sandbox|Running as root without --no-sandbox/i.test(String(err instanceof Error ? err.message : err));
}

interface Launched {
  readonly browser: Browser;
  readonly contexts: Set<BrowserContext>;
}

export class BrowserSession {
  private readonly logger = new Logger('BrowserSession');
  private current: Launched | undefined;
  private launching: Promise<Launched> | undefined;
  private readonly slots: Semaphore;
  private readonly leases = new Map<BrowserContext, () => void>();
  private waiting = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly noSandbox: boolean;
  private closed = false;

  constructor(private readonly options: BrowserSessionOptions) {
    this.slots = new Semaphore(options.maxContexts ?? 2);
    this.noSandbox = options.noSandbox ?? sandboxDisabledByDefault(process.getuid?.(), process.env);
  }

  /** A fresh isolated context once a slot is free; pass it to release() when the task ends. */
  async openContext(signal?: AbortSignal): Promise<BrowserContext> {
    if (this.closed) throw new Error('the browser session is shut down');
    this.cancelIdle();
    this.waiting++;
    let release: (() => void) | undefined;
    try {
      release = await this.slots.acquire(signal);
      const launched = await this.ensureBrowser();
      if (this.closed) throw new Error('the browser session is shut down');
      if (signal?.aborted) throw new Error('aborted while opening a browser context');
      const context = await launched.browser.createBrowserContext({ downloadBehavior: { policy: 'deny' } });
      launched.contexts.add(context);
      this.leases.set(context, release);
      release = undefined;
      return context;
    } finally {
      release?.();
      this.waiting--;
      this.scheduleIdle();
    }
  }

  /** Closes the context (idempotent); the browser then waits idleCloseMs for the next task. */
  async release(context: BrowserContext | undefined): Promise<void> {
    if (!context || !this.drop(context)) return;
    await bounded(context.close(), CLOSE_TIMEOUT_MS);
    this.scheduleIdle();
  }

  /** Contexts not yet released (for tests and status). */
  get openContexts(): number {
    return this.leases.size;
  }

  /** Pid of the running browser process, if any. */
  browserPid(): number | undefined {
    return this.current?.browser.connected ? this.current.browser.process()?.pid : undefined;
  }

  /** Shutdown: closes every context and the browser (killed if it does not quit in 5 s); no new contexts after. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopBrowser();
  }

  /** Closes the browser (idle or shutdown); a later openContext launches a new one unless closed. */
  private async stopBrowser(): Promise<void> {
    this.cancelIdle();
    const pending = this.launching;
    this.launching = undefined;
    const launched = this.current ?? (await pending?.catch(() => undefined));
    if (this.current === launched) this.current = undefined;
    if (!launched) return;
    for (const context of launched.contexts) this.drop(context);
    await bounded(launched.browser.close(), CLOSE_TIMEOUT_MS);
    kill(launched.browser);
  }

  private drop(context: BrowserContext): boolean {
    const release = this.leases.get(context);
    if (!release) return false;
    this.leases.delete(context);
    this.current?.contexts.delete(context);
    release();
    return true;
  }

  private async ensureBrowser(): Promise<Launched> {
    if (this.current?.browser.connected) return this.current;
    this.current = undefined;
    if (this.closed) throw new Error('the browser session is shut down');
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<Launched> {
    const executablePath = this.options.executablePath();
    if (!executablePath) throw new Error('no Chromium executable found');
    let browser: Browser;
    try {
      browser = await this.start(executablePath);
    } catch (err) {
      if (this.noSandbox || !isSandboxError(err)) throw err;
      // Running without the sandbox is the user's decision, not ours.
      this.logger.warn(SANDBOX_HINT);
      throw new Error(SANDBOX_HINT, { cause: err });
    }
    try {
      await blockPopups(browser);
    } catch (err) {
      kill(browser);
      throw new Error(`the browser could not be guarded against pop-ups: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const launched: Launched = { browser, contexts: new Set() };
    // State belongs to this browser instance: an old browser going away must not touch a newer one.
    browser.on('disconnected', () => {
      if (this.current === launched) this.current = undefined;
      for (const context of launched.contexts) {
        this.leases.get(context)?.();
        this.leases.delete(context);
      }
      launched.contexts.clear();
      kill(browser);
      this.scheduleIdle();
    });
    this.current = launched;
    return launched;
  }

  private async start(executablePath: string): Promise<Browser> {
    // Loaded on first use: a user who never enables browser use never pays for it.
    const { default: puppeteer } = await import('puppeteer-core');
    return puppeteer.launch({
      executablePath,
      headless: this.options.headless,
      args: chromiumArgs(this.noSandbox),
      defaultViewport: { width: 1280, height: 800 },
      timeout: this.options.launchTimeoutMs,
      protocolTimeout: this.options.protocolTimeoutMs,
      // Nest owns the process signals; puppeteer still kills the child when the process exits.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  }

  private scheduleIdle(): void {
    this.cancelIdle();
    if (this.leases.size > 0 || this.waiting > 0 || !this.current) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.leases.size === 0 && this.waiting === 0) void this.stopBrowser();
    }, this.options.idleCloseMs);
    this.idleTimer.unref();
  }

  private cancelIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

function kill(browser: Browser): void {
  const child = browser.process();
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Waits for `promise` at most `ms`; its failure is ignored (the browser may be gone already). */
async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}
