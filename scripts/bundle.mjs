// Bundles each compiled process (tsc output in dist/src, decorator metadata included) into one
// CommonJS file under dist/bundle/. One file instead of ~500 modules halves start-up time and
// trims resident memory; `npm start` runs these bundles. Packages with native addons, files read
// at run time, or optional Nest integrations stay external and load from node_modules.
import { build } from 'esbuild';

export const EXTERNAL = [
  // native addons / files next to their code
  'zeromq',
  '@node-rs/*',
  '@huggingface/*',
  'onnxruntime-node',
  'sharp',
  'better-sqlite3',
  '@lancedb/*',
  'apache-arrow',
  'piscina',
  '@echogarden/*',
  'espeak-ng',
  '@jitsi/robotjs',
  // large, loads its protocol files lazily; only the agent uses it, when browser use runs
  'puppeteer-core',
  // optional integrations Nest loads only when an app uses them (not installed here)
  '@nestjs/platform-express',
  '@nestjs/platform-socket.io',
  '@fastify/multipart',
  'kafkajs',
  'ioredis',
  'mqtt',
  'amqplib',
  'amqp-connection-manager',
  'nats',
  '@nats-io/*',
  '@grpc/*',
  // serve files that sit in their package folder
  '@fastify/view',
  'swagger-ui-dist',
  'handlebars',
];

const SOCKET_MODULE = '@nestjs/websockets/socket-module';
const MICROSERVICES_MODULE = '@nestjs/microservices/microservices-module';

/**
 * Nest's core loads its WebSocket and microservice modules whenever the packages are installed.
 * A process that runs neither gets an empty stand-in, so it never loads (or pays memory for) them.
 */
function leaveOut(specifiers) {
  const filter = new RegExp(`^(${specifiers.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})(\\.js)?$`);
  return {
    name: 'leave-out',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'left-out' }));
      b.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/** Per process: what it never runs stays out of its bundle (and out of its memory). */
const ENTRIES = {
  memory: { entry: 'dist/src/memory/main.js', leaveOut: [SOCKET_MODULE, MICROSERVICES_MODULE] },
  agent: { entry: 'dist/src/agent/main.js', leaveOut: [SOCKET_MODULE] },
  main: { entry: 'dist/src/main/main.js', leaveOut: [] },
  // The Piscina worker of the main server's audio pool: loaded by path from next to main.js.
  'audio.worker': { entry: 'dist/src/main/audio/audio.worker.js', leaveOut: [] },
  launcher: { entry: 'dist/src/launcher/main.js', leaveOut: [] },
};

await Promise.all(
  Object.entries(ENTRIES).map(([name, { entry, leaveOut: left }]) =>
    build({
      entryPoints: { [name]: entry },
      outdir: 'dist/bundle',
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // prefer ESM builds: some packages' UMD builds use require() paths esbuild cannot follow
      mainFields: ['module', 'main'],
      external: EXTERNAL,
      plugins: left.length > 0 ? [leaveOut(left)] : [],
      // Identifiers are kept: Nest derives module tokens and log contexts from class names.
      minifyWhitespace: true,
      minifySyntax: true,
      keepNames: true,
      sourcemap: 'linked',
      legalComments: 'none',
      // ESM packages compiled into CommonJS still ask for import.meta.url (createRequire, file paths)
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      define: { 'import.meta.url': '__importMetaUrl' },
      logLevel: 'warning',
    }),
  ),
);
