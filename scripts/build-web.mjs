// Front-end build: every page entry under web/src/pages/ becomes an ES module in public/js/dist/pages/
// (shared code in hashed chunks), the microphone worklet a self-contained module, and the Live2D
// Cubism 2 runtime a classic script. Everything comes from npm packages: the pages work offline.
// `node scripts/build-web.mjs` (production, minified) or `--dev` (no minification).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'public/js/dist');
// Built next to the live folder and swapped in at the end: a failed build leaves the last good one.
const outdir = `${target}.tmp`;
const dev = process.argv.includes('--dev');
const require = createRequire(import.meta.url);

const pagesDir = join(root, 'web/src/pages');
const pages = Object.fromEntries(
  readdirSync(pagesDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`pages/${f.slice(0, -3)}`, join(pagesDir, f)]),
);
const common = {
  bundle: true,
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  sourcemap: true,
  minify: !dev,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
};

/**
 * The Cubism 2 runtime ships inside live2d-widget as an ES module with duplicate top-level
 * functions (esbuild refuses to bundle it); wrapped in a function it becomes the classic script
 * pixi-live2d-display expects (window.Live2D, window.Live2DModelWebGL, …).
 */
function cubism2Runtime() {
  const file = require.resolve('live2d-widget/src/lib/live2d.core.js');
  const src = readFileSync(file, 'utf8');
  const exports = /export\s*\{([\s\S]*?)\}\s*;?\s*$/.exec(src);
  if (!exports) throw new Error(`unexpected layout of ${file}`);
  const assigns = exports[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [local, , exported = local] = s.split(/\s+/);
      return `window.${exported}=${local};`;
    })
    .join('\n');
  const licence = '/* Live2D Cubism 2.1 Core — (c) Live2D Inc., distributed under the Live2D Proprietary Software License (https://www.live2d.com/eula/live2d-proprietary-software-license-agreement_en.html). Shipped by the npm package live2d-widget. */\n';
  mkdirSync(join(outdir, 'vendor'), { recursive: true });
  writeFileSync(join(outdir, 'vendor/live2d.cubism2.js'), `${licence}(function(){\n${src.slice(0, exports.index)}\n${assigns}\n})();\n`);
}

const started = Date.now();
rmSync(outdir, { recursive: true, force: true });
const [app, worklet] = await Promise.all([
  build({
    ...common,
    entryPoints: pages,
    outdir,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    entryNames: '[dir]/[name]',
    // ogg-opus-decoder imports its 4 MB speech-enhancement decoder only when that option is set;
    // we never set it, so it is left out of public/ (the import would fail if it ever ran).
    external: ['@wasm-audio-decoders/opus-ml'],
  }),
  // An AudioWorklet module cannot load chunks: it is built on its own, without splitting.
  build({ ...common, entryPoints: { 'audio/mic-capture.worklet': join(root, 'web/src/audio/mic-capture.worklet.ts') }, outdir, format: 'esm', splitting: false }),
]);
cubism2Runtime();
rmSync(target, { recursive: true, force: true });
renameSync(outdir, target);
const outputs = { ...app.metafile.outputs, ...worklet.metafile.outputs };
const entryBytes = Object.entries(outputs)
  .filter(([f]) => f.endsWith('.js') && !f.includes('/chunks/'))
  .reduce((sum, [, o]) => sum + o.bytes, 0);
const totalBytes = Object.entries(outputs).filter(([f]) => f.endsWith('.js')).reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(`front end built in ${Date.now() - started} ms: ${Object.keys(pages).length} pages, entries ${(entryBytes / 1024).toFixed(0)} KiB, all scripts ${(totalBytes / 1024).toFixed(0)} KiB${dev ? ' (dev)' : ''}`);
