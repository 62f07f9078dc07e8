/**
 * Which addresses the browser may open. A page (or text injected into it) must not steer the agent
 * to N.E.K.O.'s own servers, the user's LAN or a cloud metadata service and read them back, so
 * loopback, private and link-local hosts are opened only when the user named the host in the task
 * (or the operator listed it); N.E.K.O.'s own ports on loopback and 169.254.0.0/16 never.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Default ports of the N.E.K.O. servers (main, memory, agent, plugins, bridges); the module passes the configured ones. */
export const NEKO_PORTS: readonly number[] = [48911, 48912, 48915, 48916, 48961, 48962, 48963];

export type HostClass = 'public' | 'loopback' | 'private' | 'linklocal' | 'metadata';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addSubnet('0.0.0.0', 8, 'ipv4'); // 0.0.0.0 reaches the local host on Linux and macOS
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addAddress('::', 'ipv6');
const PRIVATE = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
const METADATA = new BlockList();
METADATA.addSubnet('169.254.0.0', 16, 'ipv4');
METADATA.addAddress('fd00:ec2::254', 'ipv6');

/** The class of an IP address literal (IPv4-mapped IPv6 counts as its IPv4 address). */
export function classifyAddress(address: string): HostClass {
  let ip = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(ip);
  if (mapped) {
    ip = mapped[1] ?? [Number.parseInt(mapped[2] ?? '0', 16), Number.parseInt(mapped[3] ?? '0', 16)].flatMap((n) => [n >> 8, n & 255]).join('.');
  }
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (METADATA.check(ip, family)) return 'metadata';
  if (LOOPBACK.check(ip, family)) return 'loopback';
  if (PRIVATE.check(ip, family)) return 'private';
  if (LINK_LOCAL.check(ip, family)) return 'linklocal';
  return 'public';
}

const RANK: Record<HostClass, number> = { public: 0, private: 1, linklocal: 2, loopback: 3, metadata: 4 };

/** Looks a name up; undefined when it does not resolve in time (Chromium will then fail as well). */
export type HostLookup = (hostname: string) => Promise<string[] | undefined>;

const LOOKUP_TIMEOUT_MS = 1500;

export const systemLookup: HostLookup = async (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS)));
  const found = lookup(hostname, { all: true, verbatim: true }).then(
    (list) => list.map((a) => a.address),
    () => undefined,
  );
  return Promise.race([found, late]).finally(() => clearTimeout(timer));
};

/** True when `text` names `host` as a whole word, either without a port or with exactly `port`. */
export function mentionsHost(text: string, host: string, port: string): boolean {
  const lower = text.toLowerCase();
  const forms = host.includes(':') ? [`[${host}]`, host] : [host];
  for (const form of forms) {
    for (let i = lower.indexOf(form); i >= 0; i = lower.indexOf(form, i + 1)) {
      if (/[a-z0-9_.:-]/.test(lower[i - 1] ?? '')) continue;
      const rest = lower.slice(i + form.length);
      const withPort = /^:(\d{1,5})(?!\d)/.exec(rest);
      if (withPort) {
        if (withPort[1] === port) return true;
        continue;
      }
      if (/^([a-z0-9_:-]|\.[a-z0-9])/.test(rest)) continue;
      return true;
    }
  }
  return false;
}

export interface HostPolicyOptions {
  /** The user's words: a local host named there may be opened. */
  readonly instruction: string;
  /** Extra local hosts the operator allows: `host` (any port) or `host:port`. */
  readonly allowedPrivateHosts?: readonly string[];
  readonly allowFileUrls?: boolean;
  /** Loopback ports never opened (default NEKO_PORTS). */
  readonly protectedPorts?: readonly number[];
  readonly lookup?: HostLookup;
}

/** Decides per URL; `check` answers the text shown to the model for a blocked one, else undefined. */
export class HostPolicy {
  private readonly resolved = new Map<string, Promise<HostClass>>();
  private readonly allowedText: string;
  private readonly protectedPorts: ReadonlySet<number>;

  constructor(private readonly options: HostPolicyOptions) {
    this.allowedText = (options.allowedPrivateHosts ?? []).join(' ');
    this.protectedPorts = new Set(options.protectedPorts ?? NEKO_PORTS);
  }

  async check(raw: string): Promise<string | undefined> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'blocked: not a valid URL';
    }
    if (url.protocol === 'about:' || url.protocol === 'data:' || url.protocol === 'blob:') return undefined;
    if (url.protocol === 'file:') return this.options.allowFileUrls ? undefined : 'blocked: file: URLs are not allowed';
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `blocked: ${url.protocol} URLs are not allowed`;
    const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const kind = await this.classify(host);
    const shown = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    if (kind === 'public') return undefined;
    if (kind === 'metadata' || (kind === 'loopback' && this.protectedPorts.has(Number(port)))) {
      return `blocked: ${shown} is a local address the browser never opens`;
    }
    if (mentionsHost(this.options.instruction, host, port) || mentionsHost(this.allowedText, host, port)) return undefined;
    return `blocked: ${shown} is a local address the user did not ask for`;
  }

  private classify(host: string): Promise<HostClass> {
    if (isIP(host)) return Promise.resolve(classifyAddress(host));
    if (host === 'localhost' || host.endsWith('.localhost')) return Promise.resolve('loopback');
    if (host.endsWith('.local') || host.endsWith('.internal') || host.endsWith('.lan') || !host.includes('.')) {
      if (host === 'metadata.google.internal') return Promise.resolve('metadata');
      return Promise.resolve('private');
    }
    let known = this.resolved.get(host);
    if (!known) {
      // A public-looking name may still point at a local address.
      known = (this.options.lookup ?? systemLookup)(host).then((addresses) =>
        (addresses ?? []).map(classifyAddress).reduce<HostClass>((worst, c) => (RANK[c] > RANK[worst] ? c : worst), 'public'),
      );
      if (this.resolved.size < 256) this.resolved.set(host, known);
    }
    return known;
  }
}
