import { PassThrough } from 'node:stream';
import { PinoLogger } from './pino.logger';
import { formatPrettyLine } from './pretty.format';

function capture(level: 'info' | 'debug' = 'info') {
  const out = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  out.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l))));
  return { logger: PinoLogger.create({ processName: 'memory', level, format: 'json', destination: out }), lines };
}

describe('PinoLogger', () => {
  it('writes JSON lines naming the process, with Nest context and errors', async () => {
    const { logger, lines } = capture();
    logger.log('hello', 'Bootstrap');
    logger.error('boom', 'Error: boom\n    at x (y.js:1:1)', 'Svc');
    logger.warn({ port: 1 }, 'Svc');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ level: 30, process: 'memory', context: 'Bootstrap', msg: 'hello', pid: process.pid });
    expect(lines[1]).toMatchObject({ level: 50, context: 'Svc', msg: 'boom', stack: 'Error: boom\n    at x (y.js:1:1)' });
    expect(lines[2]).toMatchObject({ level: 40, port: 1 });
  });

  it("turns Nest's start-up chatter into debug lines", async () => {
    const { logger, lines } = capture();
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([]);
  });

  it('formats pretty lines with time, level, process and context', () => {
    const line = formatPrettyLine(JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 0, 0), process: 'agent', context: 'Zmq', msg: 'dropped', n: 2 }));
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[agent\] Zmq: dropped \{"n":2\}\n$/);
    expect(formatPrettyLine('not json')).toBe('not json\n');
  });
});
