import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer-core';
import { BrowserHarness, DESKTOP } from '../test/support/browser.harness';
import { LauncherHarness } from '../test/support/launcher.harness';
import { median, printTable, writeResult } from './report';

/**
 * The front end as a user's browser gets it: what each page downloads (the entry and the chunks it
 * imports at once, then what it loads later, e.g. the avatar renderer), and in real headless
 * Chromium against `npm start`'s bundles on a fresh data folder: time to the companion page's
 * first avatar frame and the page's JS heap.
 */
const DIST = join(__dirname, '..', '..', 'public', 'js', 'dist');
const LOADS = 5;

interface Weight {
  readonly files: number;
  readonly bytes: number;
  readonly gzip: number;
}

/** Static imports (`from "./chunks/x.js"`, `import "./x.js"`) and dynamic ones (`import("./x.js")`) of a built module. */
function importsOf(file: string): { eager: string[]; lazy: string[] } {
  const text = readFileSync(file, 'utf8');
  const at = (re: RegExp) => [...text.matchAll(re)].map((m) => resolve(dirname(file), m[1]));
  return { eager: at(/(?:from|import)\s*["'](\.{1,2}\/[^"']+\.js)["']/g), lazy: at(/import\(\s*["'](\.{1,2}\/[^"']+\.js)["']\s*\)/g) };
}

function closure(entry: string): { eager: Set<string>; lazy: Set<string> } {
  const eager = new Set<string>();
  const lazyRoots: string[] = [];
  const walk = (file: string, into: Set<string>, roots: string[]) => {
    if (into.has(file)) return;
    into.add(file);
    const { eager: next, lazy } = importsOf(file);
    roots.push(...lazy);
    for (const f of next) walk(f, into, roots);
  };
  walk(entry, eager, lazyRoots);
  const lazy = new Set<string>();
  for (let i = 0; i < lazyRoots.length; i++) if (!eager.has(lazyRoots[i])) walk(lazyRoots[i], lazy, lazyRoots);
  for (const f of eager) lazy.delete(f);
  return { eager, lazy };
}

function weigh(files: Iterable<string>): Weight {
  let bytes = 0;
  let gzip = 0;
  let count = 0;
  for (const f of files) {
    const data = readFileSync(f);
    bytes += data.length;
    gzip += gzipSync(data).length;
    count++;
  }
  return { files: count, bytes, gzip };
}

const kib = (n: number) => Math.round(n / 1024);

async function loadCompanion(page: Page, url: string): Promise<{ domMs: number; avatarMs: number; heapMiB: number }> {
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const domMs = Date.now() - started;
  await page.waitForFunction('Boolean(document.body.dataset.avatar)', { timeout: 60_000 });
  const avatarMs = Date.now() - started;
  const metrics = await page.metrics();
  return { domMs, avatarMs, heapMiB: Math.round(((metrics.JSHeapUsedSize ?? 0) / 2 ** 20) * 10) / 10 };
}

export async function benchWeb(): Promise<void> {
  const pages = readdirSync(join(DIST, 'pages')).filter((f) => f.endsWith('.js')).sort();
  const weights = pages.map((f) => {
    const { eager, lazy } = closure(join(DIST, 'pages', f));
    return { page: f.replace(/\.js$/, ''), eager: weigh(eager), lazy: weigh(lazy) };
  });
  const vendor = statSync(join(DIST, 'vendor', 'live2d.cubism2.js')).size;
  printTable('Front end downloads per page (KiB; minified; gzip as a browser would receive it compressed)', ['page', 'at load', 'gzip', 'later (avatar renderers…)', 'gzip'], weights.map((w) => [w.page, kib(w.eager.bytes), kib(w.eager.gzip), kib(w.lazy.bytes), kib(w.lazy.gzip)]));
  console.log(`Cubism 2 runtime (only for Cubism 2 models): ${kib(vendor)} KiB`);

  const stack = await LauncherHarness.start();
  let browser: BrowserHarness | undefined;
  const loads: Array<{ domMs: number; avatarMs: number; heapMiB: number }> = [];
  try {
    // Inside the try: a browser that fails to start must not leave the three servers running.
    browser = await BrowserHarness.launch();
    await stack.waitForLog(/N\.E\.K\.O\. is ready/, 60_000);
    const url = `http://127.0.0.1:${stack.port('main')}/`;
    for (let i = 0; i < LOADS + 1; i++) {
      const page = await browser.newPage(DESKTOP);
      const load = await loadCompanion(page, url);
      if (i > 0) loads.push(load); // the first load warms the server's caches and Chromium's
      await browser.endTest(undefined);
    }
  } finally {
    await browser?.close();
    await stack.stop();
  }
  printTable(`Companion page in headless Chromium (SwiftShader WebGL, fresh data folder, default avatar; median of ${LOADS} loads)`, ['metric', 'min', 'median', 'max'], [
    ['DOMContentLoaded (ms)', Math.min(...loads.map((l) => l.domMs)), median(loads.map((l) => l.domMs)), Math.max(...loads.map((l) => l.domMs))],
    ['first avatar frame (ms)', Math.min(...loads.map((l) => l.avatarMs)), median(loads.map((l) => l.avatarMs)), Math.max(...loads.map((l) => l.avatarMs))],
    ['JS heap used (MiB)', Math.min(...loads.map((l) => l.heapMiB)), median(loads.map((l) => l.heapMiB)), Math.max(...loads.map((l) => l.heapMiB))],
  ]);
  const file = writeResult('web', { weights, cubism2RuntimeBytes: vendor, companionLoads: loads });
  console.log(`written ${file}`);
}
