import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

interface KnownRoute {
  readonly methods: ReadonlySet<string>;
  readonly pattern: RegExp;
}

function patternOf(url: string): RegExp {
  const body = url
    .replace(/\/+$/, '')
    .split('/')
    .map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/**
 * Remembers every registered route, so an unmatched request whose path is known under another
 * method answers 405 `{"detail": "Method Not Allowed"}` as FastAPI did, instead of 404.
 */
@Injectable()
export class MethodNotAllowedTracker {
  private readonly routes: KnownRoute[] = [];

  /** Must run before the routes are registered (before app.init / listen). */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      const methods = new Set((Array.isArray(route.method) ? route.method : [route.method]).map((m) => String(m).toUpperCase()));
      this.routes.push({ methods, pattern: patternOf(route.url) });
    });
  }

  /** True when some route matches the path but none with this method. */
  isWrongMethod(method: string, path: string): boolean {
    const clean = path.split('?')[0] ?? path;
    const matching = this.routes.filter((r) => r.pattern.test(clean));
    if (matching.length === 0) return false;
    const m = method.toUpperCase();
    return !matching.some((r) => r.methods.has(m) || (m === 'HEAD' && r.methods.has('GET')));
  }
}
