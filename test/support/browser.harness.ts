/**
 * Debian Chromium (never a downloaded browser) driven by puppeteer-core for the browser tests:
 * one browser per spec file, a fresh incognito context per test, and helpers every spec needs
 * (error watch, screenshots, canvas pixels). Chromium is started in its own process group, so a
 * browser that does not close in time is killed with everything it spawned.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { findProgram } from './system-deps';

const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-results', 'screenshots');
export const DESKTOP = { width: 1280, height: 720 } as const;
export const PHONE = { width: 390, height: 844 } as const;
const CLOSE_TIMEOUT_MS = 10_000;
/** Bound of one clean-up step (a screenshot, closing a context) of a page that may be stuck. */
const STEP_TIMEOUT_MS = 10_000;

/** NEKO_CHROMIUM_PATH, else `chromium` on PATH, else Debian's path. */
function chromiumPath(): string {
  return process.env.NEKO_CHROMIUM_PATH || findProgram('chromium') || '/usr/bin/chromium';
}

export interface LaunchOptions {
  /** Absolute path of a WAV that Chromium's fake microphone plays (looped). */
  readonly fakeMicWav?: string;
}

function chromiumArgs(options: LaunchOptions): string[] {
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return [
    ...(runningAsRoot || process.env.CI ? ['--no-sandbox'] : []),
    '--disable-dev-shm-usage',
    // WebGL (the avatar) through SwiftShader: headless machines have no GPU.
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--autoplay-policy=no-user-gesture-required',
    '--mute-audio',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(options.fakeMicWav
      ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${options.fakeMicWav}`]
      : []),
  ];
}

export class BrowserHarness {
  private readonly contexts: BrowserContext[] = [];
  private readonly openPages: Page[] = [];

  private constructor(
    readonly browser: Browser,
    private readonly proc: ChildProcess | null,
  ) {}

  static async launch(options: LaunchOptions = {}): Promise<BrowserHarness> {
    const browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: chromiumArgs(options),
      defaultViewport: DESKTOP,
      // Jest owns the signals; close() below ends Chromium.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const harness = new BrowserHarness(browser, browser.process());
    // Should Jest tear the worker down before afterAll finishes, Chromium must not outlive it.
    process.once('exit', harness.killGroup);
    return harness;
  }

  /** A page in a new incognito context (no storage shared with other tests). */
  async newPage(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
    const context = await this.browser.createBrowserContext();
    this.contexts.push(context);
    return this.pageIn(context, viewport);
  }

  /** Another tab in the context of `page` (shares its storage, as two tabs of one browser do). */
  async newTab(page: Page, viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
    return this.pageIn(page.browserContext(), viewport);
  }

  private async pageIn(context: BrowserContext, viewport: { width: number; height: number }): Promise<Page> {
    const page = await context.newPage();
    await page.setViewport(viewport);
    page.setDefaultTimeout(20_000);
    this.openPages.push(page);
    return page;
  }

  /**
   * afterEach: a screenshot of every page the test still has open (also when it failed:
   * test-results/screenshots/<test name>[-<n>].png), then its contexts are closed. Without a name
   * (the bench) the pages are only closed.
   */
  async endTest(testName: string | undefined): Promise<void> {
    const pages = this.openPages.splice(0).filter((p) => !p.isClosed());
    if (testName !== undefined) {
      const base = screenshotName(testName);
      for (const [i, page] of pages.entries()) await within(screenshot(page, i === 0 ? base : `${base}-${i + 1}`), STEP_TIMEOUT_MS);
    }
    await this.closeContexts();
  }

  private async closeContexts(): Promise<void> {
    this.openPages.length = 0;
    for (const context of this.contexts.splice(0)) await within(context.close(), STEP_TIMEOUT_MS);
  }

  /** Closes Chromium; kills its process group if it does not go in time. */
  async close(): Promise<void> {
    await this.closeContexts();
    await within(this.browser.close(), CLOSE_TIMEOUT_MS);
    // Whatever of the group is left (a browser that did not close, a stray child) goes too.
    this.killGroup();
    process.off('exit', this.killGroup);
  }

  private readonly killGroup = (): void => {
    const pid = this.proc?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
}

/**
 * A file name for a test's screenshot. Long names are cut, with a hash of the whole name so that
 * tests differing only at the end (it.each cases) do not overwrite each other's picture.
 */
function screenshotName(testName: string): string {
  const slug = testName.replace(/[^\w\u4e00-\u9fff-]+/g, '-').replace(/^-+|-+$/g, '') || 'test';
  return slug.length <= 80 ? slug : `${slug.slice(0, 71)}-${createHash('sha1').update(testName).digest('hex').slice(0, 8)}`;
}

/** Waits for `work` to settle (either way), at most `ms`: clean-up must not hang on a stuck page. */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Collects what a user would call "the page is broken": console errors, uncaught exceptions,
 * failed requests (except ones the page aborted on purpose) and HTTP ≥ 400 from our own origin.
 */
export function watchErrors(page: Page, origin: string): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url ?? '?'})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => {
    const failure = r.failure()?.errorText ?? '';
    if (failure !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.method()} ${r.url()} ${failure}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().startsWith(origin)) errors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return errors;
}

/** Saves test-results/screenshots/<name>.png (the viewport, or the whole page). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`) as `${string}.png`;
  // A background tab paints no frames: bring it to the front first.
  await page.bringToFront();
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

export interface CanvasPixels {
  readonly found: boolean;
  readonly width: number;
  readonly height: number;
  /** Distinct RGBA values in a 128×128 sample of the canvas. */
  readonly distinctColors: number;
  /** Sampled pixels that are not fully transparent. */
  readonly visiblePixels: number;
}

const SAMPLE_SIZE = 128;

/** Samples the canvas's pixels (WebGL canvases must use preserveDrawingBuffer). */
export function canvasPixels(page: Page, selector: string): Promise<CanvasPixels> {
  return page.$eval(
    selector,
    (canvas, size: number) => {
      const doc = canvas.ownerDocument;
      const sample = doc.createElement('canvas');
      sample.width = size;
      sample.height = size;
      const g = sample.getContext('2d', { willReadFrequently: true });
      if (!g) return { found: true, width: canvas.width, height: canvas.height, distinctColors: 0, visiblePixels: 0 };
      g.drawImage(canvas, 0, 0, sample.width, sample.height);
      const data: Uint8ClampedArray = g.getImageData(0, 0, sample.width, sample.height).data;
      const colors = new Set<number>();
      let visible = 0;
      for (let i = 0; i < data.length; i += 4) {
        colors.add(((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0);
        if (data[i + 3] > 0) visible++;
      }
      return { found: true, width: canvas.width, height: canvas.height, distinctColors: colors.size, visiblePixels: visible };
    },
    SAMPLE_SIZE,
  );
}

/** Share of the sample a figure must cover, and shades it must have, to count as drawn. */
const FIGURE_MIN_COVER = 0.03;
const FIGURE_MIN_COLOURS = 16;

/**
 * True when the canvas shows a shaded figure: not blank (one colour / all transparent), not a
 * few stray pixels, not one flat fill — what a rendered avatar looks like and a broken one does not.
 */
export function showsFigure(pixels: CanvasPixels): boolean {
  return pixels.visiblePixels >= FIGURE_MIN_COVER * SAMPLE_SIZE * SAMPLE_SIZE && pixels.distinctColors >= FIGURE_MIN_COLOURS;
}
