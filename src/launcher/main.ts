import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, EXIT_CONFIG, parseRuntimeEnv, type LogFormat } from '../shared/config/env.schema';
import { createPino } from '../shared/logging/pino.logger';
import { ChildSupervisor, type ChildSpec } from './child.supervisor';
import { waitForHealth } from './health.probe';

/**
 * The bundled server next to the bundled launcher (dist/bundle/<name>.js), or the tsc output
 * (dist/src/<name>/main.js) when the launcher itself runs unbundled.
 */
function serverScript(name: 'main' | 'memory' | 'agent'): string {
  const bundled = join(__dirname, `${name}.js`);
  return existsSync(bundled) && basename(__filename) === 'launcher.js' ? bundled : join(__dirname, '..', name, 'main.js');
}

/**
 * `npm start`: runs memory, agent and main as three OS processes, prints one ready line when all
 * three answer /health, restarts crashed ones, and stops them all on Ctrl-C / SIGTERM (exit 0).
 */
function main(): void {
  let env;
  try {
    env = parseRuntimeEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const format: LogFormat = env.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const log = createPino({ processName: 'launcher', level: env.logLevel, format });
  const startedAt = performance.now();
  const specs: ChildSpec[] = (['memory', 'agent', 'main'] as const).map((name) => ({ name, script: serverScript(name), port: env.ports[name] }));
  let stopping = false;
  const children = specs.map(
    (spec) =>
      new ChildSupervisor(spec, format, log, {
        onFatal: (child) => {
          log.fatal(`${child.name} cannot start because of its configuration (see above); stopping N.E.K.O.`);
          void stopAll(EXIT_CONFIG);
        },
        onShutdownRequest: (child, reason) => {
          log.info(`${child.name} asked N.E.K.O. to stop (${reason})`);
          void stopAll(0);
        },
      }),
  );

  async function stopAll(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info('stopping all servers');
    await Promise.all(children.map((c) => c.stop()));
    log.info('all servers stopped');
    process.exit(code);
  }
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGHUP', () => void stopAll(0));

  for (const child of children) child.start();
  void Promise.all(specs.map((s) => waitForHealth(s.port, () => stopping))).then((ok) => {
    if (!ok.every(Boolean)) return;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
    const host = env.host === '0.0.0.0' || env.host === '::' ? '127.0.0.1' : env.host;
    log.info(`N.E.K.O. is ready at http://${host}:${env.ports.main}/ (main ${env.ports.main}, memory ${env.ports.memory}, agent ${env.ports.agent}; ${seconds} s)`);
  });
}

main();
