import { isAbsolute, resolve } from 'node:path';

/** Thrown for any invalid or clashing setting; bootstrap turns it into one clear line and exit code 78. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Exit code for "the configuration is wrong": the supervisor does not restart such a child. */
export const EXIT_CONFIG = 78;

export type PortKey = 'main' | 'memory' | 'agent' | 'zmqSessionPub' | 'zmqAgentPush' | 'zmqAnalyzePush';

interface PortSpec {
  readonly key: PortKey;
  readonly label: string;
  readonly defaultPort: number;
  /** Environment variables read in order; the first one that is set wins. */
  readonly env: readonly string[];
}

/** Ports of spec main-server.md §1.1 and memory-and-agent-servers.md §1.1/§8.2; both V1 spellings accepted. */
export const PORT_SPECS: readonly PortSpec[] = [
  { key: 'main', label: 'main HTTP', defaultPort: 48911, env: ['NEKO_MAIN_SERVER_PORT', 'MAIN_SERVER_PORT'] },
  { key: 'memory', label: 'memory HTTP', defaultPort: 48912, env: ['NEKO_MEMORY_SERVER_PORT', 'MEMORY_SERVER_PORT'] },
  { key: 'agent', label: 'agent HTTP', defaultPort: 48915, env: ['NEKO_TOOL_SERVER_PORT', 'TOOL_SERVER_PORT'] },
  { key: 'zmqSessionPub', label: 'ZeroMQ session PUB', defaultPort: 48961, env: ['NEKO_ZMQ_SESSION_PUB_PORT'] },
  { key: 'zmqAgentPush', label: 'ZeroMQ agent→main PUSH', defaultPort: 48962, env: ['NEKO_ZMQ_AGENT_PUSH_PORT'] },
  { key: 'zmqAnalyzePush', label: 'ZeroMQ analyze PUSH', defaultPort: 48963, env: ['NEKO_ZMQ_ANALYZE_PUSH_PORT'] },
];

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export interface RuntimeEnv {
  /** Interface every server binds to (default loopback only). */
  readonly host: string;
  readonly ports: Readonly<Record<PortKey, number>>;
  /** Explicit data folder (NEKO_DATA_DIR); undefined = resolve the Documents folder as N.E.K.O does. */
  readonly dataDir: string | undefined;
  /** ZeroMQ high-water mark (messages) for every socket and for the in-process send queue. */
  readonly zmqHighWaterMark: number;
  /** ZeroMQ LINGER in ms (spec: 1000). */
  readonly zmqLingerMs: number;
  /** Extra Host header values accepted besides loopback names (comma separated NEKO_ALLOWED_HOSTS). */
  readonly allowedHosts: readonly string[];
  /** Extra Origins accepted besides loopback origins (NEKO_ALLOWED_ORIGINS). */
  readonly allowedOrigins: readonly string[];
  readonly instanceId: string | undefined;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat | undefined;
  /** Chat timings (spec main-server.md §5.2/§5.7/§6.4); tests shorten them. */
  readonly chat: ChatTimings;
}

export interface ChatTimings {
  /** Session age after which a turn end marks the hot swap (NEKO_HOT_SWAP_AFTER_MS, spec "40 s"). */
  readonly hotSwapAfterMs: number;
  /** Wait between the mark and preparing the pending session (NEKO_HOT_SWAP_PREPARE_MS, "10 s"). */
  readonly hotSwapPrepareMs: number;
  /** No user speech for this long closes the mic (NEKO_SILENCE_TIMEOUT_MS, "90 s"). */
  readonly silenceTimeoutMs: number;
  /** Cool-down after three failed starts (NEKO_START_COOLDOWN_MS, "3 s"). */
  readonly startCooldownMs: number;
}

/** The spec's chat timings. */
export const DEFAULT_CHAT_TIMINGS: ChatTimings = { hotSwapAfterMs: 40_000, hotSwapPrepareMs: 10_000, silenceTimeoutMs: 90_000, startCooldownMs: 3_000 };

type Env = Readonly<Record<string, string | undefined>>;

function readFirst(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

function parseIntStrict(raw: string): number | undefined {
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function parsePorts(env: Env, problems: string[]): Record<PortKey, number> {
  const ports = {} as Record<PortKey, number>;
  for (const spec of PORT_SPECS) {
    const found = readFirst(env, spec.env);
    if (!found) {
      ports[spec.key] = spec.defaultPort;
      continue;
    }
    const port = parseIntStrict(found.value);
    if (port === undefined || port < 1 || port > 65535) {
      problems.push(`${found.name}="${found.value}" is not a port number (1-65535)`);
      ports[spec.key] = spec.defaultPort;
    } else {
      ports[spec.key] = port;
    }
  }
  const seen = new Map<number, PortSpec>();
  for (const spec of PORT_SPECS) {
    const other = seen.get(ports[spec.key]);
    if (other) problems.push(`port ${ports[spec.key]} is used for both ${other.label} and ${spec.label}`);
    else seen.set(ports[spec.key], spec);
  }
  return ports;
}

function parseBoundedInt(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = readFirst(env, [name]);
  if (!raw) return fallback;
  const value = parseIntStrict(raw.value);
  if (value === undefined || value < min || value > max) {
    problems.push(`${name}="${raw.value}" must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

function parseList(env: Env, name: string): string[] {
  return (env[name] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Reads and validates every setting that comes from the environment. Throws one ConfigError naming every problem. */
export function parseRuntimeEnv(env: Env = process.env, cwd = process.cwd()): RuntimeEnv {
  const problems: string[] = [];
  const ports = parsePorts(env, problems);
  const host = readFirst(env, ['NEKO_HOST'])?.value ?? '127.0.0.1';
  const dataDirRaw = readFirst(env, ['NEKO_DATA_DIR'])?.value;
  const logLevelRaw = (readFirst(env, ['NEKO_LOG_LEVEL'])?.value ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevelRaw as LogLevel)) {
    problems.push(`NEKO_LOG_LEVEL="${logLevelRaw}" must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const logFormatRaw = readFirst(env, ['NEKO_LOG_FORMAT'])?.value.toLowerCase();
  if (logFormatRaw !== undefined && logFormatRaw !== 'json' && logFormatRaw !== 'pretty') {
    problems.push(`NEKO_LOG_FORMAT="${logFormatRaw}" must be json or pretty`);
  }
  const result: RuntimeEnv = {
    host,
    ports,
    dataDir: dataDirRaw === undefined ? undefined : isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw),
    zmqHighWaterMark: parseBoundedInt(env, 'NEKO_ZMQ_HWM', 1000, 1, 10_000_000, problems),
    zmqLingerMs: parseBoundedInt(env, 'NEKO_ZMQ_LINGER_MS', 1000, 0, 60_000, problems),
    allowedHosts: parseList(env, 'NEKO_ALLOWED_HOSTS').map((h) => h.toLowerCase()),
    allowedOrigins: parseList(env, 'NEKO_ALLOWED_ORIGINS').map((o) => o.toLowerCase().replace(/\/+$/, '')),
    instanceId: readFirst(env, ['NEKO_INSTANCE_ID'])?.value,
    logLevel: logLevelRaw as LogLevel,
    logFormat: logFormatRaw as LogFormat | undefined,
    chat: {
      hotSwapAfterMs: parseBoundedInt(env, 'NEKO_HOT_SWAP_AFTER_MS', DEFAULT_CHAT_TIMINGS.hotSwapAfterMs, 0, 86_400_000, problems),
      hotSwapPrepareMs: parseBoundedInt(env, 'NEKO_HOT_SWAP_PREPARE_MS', DEFAULT_CHAT_TIMINGS.hotSwapPrepareMs, 0, 86_400_000, problems),
      silenceTimeoutMs: parseBoundedInt(env, 'NEKO_SILENCE_TIMEOUT_MS', DEFAULT_CHAT_TIMINGS.silenceTimeoutMs, 1_000, 86_400_000, problems),
      startCooldownMs: parseBoundedInt(env, 'NEKO_START_COOLDOWN_MS', DEFAULT_CHAT_TIMINGS.startCooldownMs, 0, 3_600_000, problems),
    },
  };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return result;
}

/** tcp endpoint for a ZeroMQ port; ZeroMQ always runs on the loopback interface. */
export function zmqEndpoint(port: number): string {
  return `tcp://127.0.0.1:${port}`;
}

/** Turns a bind failure on one of our ports into the one clear line a user needs. */
export function portProblem(key: PortKey, port: number, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const spec = PORT_SPECS.find((p) => p.key === key);
  const label = spec?.label ?? key;
  if (code === 'EADDRINUSE' || /already in use/i.test((err as Error).message)) {
    return new ConfigError(
      `Port ${port} (${label}) is already in use: another program or another N.E.K.O. is running. Stop it, or pick another port with ${spec?.env[0] ?? 'the port variables'}.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') return new ConfigError(`Port ${port} (${label}) cannot be opened: permission denied.`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new ConfigError(`Cannot listen on ${label} port ${port}: NEKO_HOST is not an address of this machine (${(err as Error).message}).`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
