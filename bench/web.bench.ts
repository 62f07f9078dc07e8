import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer-core';
import { BrowserHarness, DESKTOP } from '../test/support/browser.harness';
import { LauncherHarness } from '../test/support/launcher.harness';
import { median, printTable, writeResult } from './report';

/**
 * The front end as a user's browser gets it: what each page downloads at once (the entry and the
 * chunks it imports statically), what the companion page loads only when needed (the avatar
 * renderers, the Ogg/Opus decoder), and, in real headless Chromium against `npm start`'s bundles
 * on a fresh data folder, the phases up to the companion page's first avatar frame and its JS heap.
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

/** A module and everything it imports statically. */
function staticClosure(entry: string, into = new Set<string>()): Set<string> {
  if (into.has(entry)) return into;
  into.add(entry);
  for (const f of importsOf(entry).eager) staticClosure(f, into);
  return into;
}

/** The modules a page loads only when it needs them, in the order a user meets them. */
const LAZY_MODULES = [
  { name: 'VRM renderer (three, three-vrm)', chunks: ['vrm-avatar'], vendor: [] as string[], when: 'a VRM avatar (the default one)' },
  { name: 'Live2D Cubism 2 renderer (pixi, runtime)', chunks: ['live2d-avatar', 'lib', 'cubism2.es'], vendor: ['live2d.cubism2.js'], when: 'a Cubism 2 model' },
  { name: 'Live2D Cubism 4 renderer (pixi)', chunks: ['live2d-avatar', 'lib', 'cubism4.es'], vendor: [], when: "a Cubism 4 model (+ the user's Live2D core)" },
  { name: 'Ogg/Opus decoder', chunks: ['ogg-opus-decoder'], vendor: [], when: 'a cloned voice (CosyVoice) speaks' },
];

/** Files of `chunks` (by name before esbuild's hash) and their static imports, minus what the page already has. */
function lazyModule(chunkNames: readonly string[], vendor: readonly string[], loaded: Set<string>): string[] {
  const chunkDir = join(DIST, 'chunks');
  const files = new Set<string>();
  for (const name of chunkNames) {
    const file = readdirSync(chunkDir).find((f) => f.endsWith('.js') && f.replace(/-[A-Z0-9]{8}\.js$/, '') === name);
    if (!file) throw new Error(`no chunk named ${name} in ${chunkDir}`);
    staticClosure(join(chunkDir, file), files);
  }
  for (const f of vendor) files.add(join(DIST, 'vendor', f));
  return [...files].filter((f) => !loaded.has(f));
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

interface CompanionLoad {
  readonly domMs: number;
  /** The avatar's User Timing marks (web/src/avatar/avatar.factory.ts AVATAR_MARKS), ms since navigation. */
  readonly codeMs: number;
  readonly modelMs: number;
  readonly avatarMs: number;
  readonly heapMiB: number;
}

async function loadCompanion(page: Page, url: string): Promise<CompanionLoad> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction('Boolean(document.body.dataset.avatar)', { timeout: 60_000, polling: 50 });
  // A string: this runs in the page, with the DOM's performance API (bench is typed for Node).
  const times = (await page.evaluate(`(() => {
    const at = (name) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
    const nav = performance.getEntriesByType('navigation')[0];
    return { domMs: Math.round(nav.domContentLoadedEventEnd), codeMs: at('neko:avatar:code'), modelMs: at('neko:avatar:model'), avatarMs: at('neko:avatar:frame') };
  })()`)) as Omit<CompanionLoad, 'heapMiB'>;
  const metrics = await page.metrics();
  return { ...times, heapMiB: Math.round(((metrics.JSHeapUsedSize ?? 0) / 2 ** 20) * 10) / 10 };
}

export async function benchWeb(): Promise<void> {
  const pages = readdirSync(join(DIST, 'pages')).filter((f) => f.endsWith('.js')).sort();
  const weights = pages.map((f) => ({ page: f.replace(/\.js$/, ''), atLoad: weigh(staticClosure(join(DIST, 'pages', f))) }));
  printTable('Front end: scripts each page loads at once (KiB, minified; gzip = what a compressing server would send)', ['page', 'KiB', 'gzip KiB'], weights.map((w) => [w.page, kib(w.atLoad.bytes), kib(w.atLoad.gzip)]));
  const companion = staticClosure(join(DIST, 'pages', 'index.js'));
  const lazy = LAZY_MODULES.map((m) => ({ ...m, weight: weigh(lazyModule(m.chunks, m.vendor, companion)) }));
  printTable('Front end: modules the companion page loads only when needed (KiB)', ['module', 'KiB', 'gzip KiB', 'loaded for'], lazy.map((m) => [m.name, kib(m.weight.bytes), kib(m.weight.gzip), m.when]));

  const stack = await LauncherHarness.start();
  let browser: BrowserHarness | undefined;
  const loads: CompanionLoad[] = [];
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
  const row = (metric: string, pick: (l: CompanionLoad) => number) => {
    const values = loads.map(pick);
    return [metric, Math.min(...values), median(values), Math.max(...values)];
  };
  printTable(`Companion page in headless Chromium (SwiftShader WebGL, fresh data folder, default avatar; ${LOADS} loads; ms since navigation)`, ['metric', 'min', 'median', 'max'], [
    row('DOMContentLoaded', (l) => l.domMs),
    row('avatar renderer code loaded', (l) => l.codeMs),
    row('avatar model ready (download, parse, WebGL context)', (l) => l.modelMs),
    row('first avatar frame (shaders, textures, draw)', (l) => l.avatarMs),
    row('JS heap used (MiB)', (l) => l.heapMiB),
  ]);
  const file = writeResult('web', { weights, lazy: lazy.map((m) => ({ name: m.name, when: m.when, ...m.weight })), companionLoads: loads });
  console.log(`written ${file}`);
}
