import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { LogFormat, LogLevel } from '../config/env.schema';
import { formatPrettyLine } from './pretty.format';

export type ProcessName = 'main' | 'memory' | 'agent' | 'launcher';

export interface PinoLoggerOptions {
  readonly processName: ProcessName;
  readonly level: LogLevel;
  /** json when stdout is not a TTY unless told otherwise. */
  readonly format?: LogFormat;
  readonly destination?: NodeJS.WritableStream;
}

const NEST_STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice', 'WebSocketsController']);

/** One-line pretty output without pino-pretty's worker thread (cheap at start-up). */
function prettyStream(out: NodeJS.WritableStream): { write(line: string): void } {
  return {
    write(line: string) {
      out.write(formatPrettyLine(line));
    },
  };
}

export function createPino(options: PinoLoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  const format = options.format ?? (tty ? 'pretty' : 'json');
  const base = { process: options.processName, pid: process.pid };
  if (format === 'pretty') return pino({ level: options.level, base }, prettyStream(out));
  if (out === process.stdout) return pino({ level: options.level, base }, pino.destination({ fd: 1, sync: true }));
  return pino({ level: options.level, base }, out);
}

/** Nest LoggerService backed by pino: every line carries the process name ("process") and pid. */
export class PinoLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  static create(options: PinoLoggerOptions): PinoLogger {
    return new PinoLogger(createPino(options));
  }

  log(message: unknown, ...params: unknown[]): void {
    // Nest's own start-up chatter (modules initialised, routes mapped) is debug detail for users.
    this.write(NEST_STARTUP_CONTEXTS.has(params[params.length - 1] as string) ? 'debug' : 'info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes (message, ...optional, context); errors pass (message, stack, context). */
  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    for (const p of rest) {
      if (p instanceof Error) fields.err = p;
      else if (typeof p === 'string' && p.includes('\n    at ')) fields.stack = p;
      else if (p !== undefined) fields.detail = p;
    }
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}
