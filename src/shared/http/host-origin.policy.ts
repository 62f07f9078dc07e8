import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RuntimeEnv } from '../config/env.schema';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}

/** "example.com:8080" → "example.com"; "[::1]:80" → "[::1]". */
function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export type AccessVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Guards every HTTP request and WebSocket upgrade against web pages on the internet:
 * - Host must name this machine (defeats DNS rebinding: evil.com resolving to 127.0.0.1);
 * - Origin, when a browser sends one, must be a loopback origin or one the user allowed.
 * Requests without Origin (curl, the other N.E.K.O. processes) pass.
 */
export class HostOriginPolicy {
  private readonly hosts: ReadonlySet<string>;
  private readonly origins: ReadonlySet<string>;

  constructor(env: Pick<RuntimeEnv, 'host' | 'allowedHosts' | 'allowedOrigins'>) {
    const hosts = new Set(env.allowedHosts.map(hostnameOf));
    if (!WILDCARD_HOSTS.has(env.host)) hosts.add(env.host.toLowerCase());
    this.hosts = hosts;
    this.origins = new Set(env.allowedOrigins);
  }

  check(host: string | undefined, origin: string | undefined): AccessVerdict {
    if (host !== undefined && host !== '') {
      const name = hostnameOf(host);
      if (!isLoopbackHostname(name) && !this.hosts.has(name)) return { ok: false, reason: `Host "${host}" is not allowed` };
    }
    if (origin === undefined || origin === '') return { ok: true };
    const normalized = origin.toLowerCase().replace(/\/+$/, '');
    if (this.origins.has(normalized)) return { ok: true };
    let url: URL;
    try {
      url = new URL(normalized);
    } catch {
      return { ok: false, reason: `Origin "${origin}" is not allowed` };
    }
    const okScheme = url.protocol === 'http:' || url.protocol === 'https:';
    if (okScheme && (isLoopbackHostname(url.hostname) || this.hosts.has(url.hostname))) return { ok: true };
    return { ok: false, reason: `Origin "${origin}" is not allowed` };
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A state-changing request without Origin (old browsers, some embedded web views) is judged by the
 * origin of its Referer instead, so a foreign page cannot slip a POST through without one.
 */
function stateChangingReferer(method: string, referer: string | undefined): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase()) || !referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/** Answers 403 `{"detail": …}` to every HTTP request that fails the policy, before routing. */
export function installHostOriginGuard(app: NestFastifyApplication, env: Pick<RuntimeEnv, 'host' | 'allowedHosts' | 'allowedOrigins'>): HostOriginPolicy {
  const policy = new HostOriginPolicy(env);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req, reply) => {
      const verdict = policy.check(req.headers.host, req.headers.origin ?? stateChangingReferer(req.method, req.headers.referer));
      if (!verdict.ok) await reply.code(403).send({ detail: verdict.reason });
    });
  return policy;
}
