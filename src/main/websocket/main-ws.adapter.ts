import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { HostOriginPolicy } from '../../shared/http/host-origin.policy';

type RegisteredServer = WebSocketServer & { path: string };

/** `/ws/:lanlan_name` → /^\/ws\/[^/]+$/ (gateway paths may have parameters). */
function pathPattern(path: string): RegExp {
  const body = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ detail: reason });
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * Nest's ws adapter with two things main needs: gateway paths with parameters
 * (`/ws/{lanlan_name}`), and the Host/Origin policy applied to every upgrade, so no web page on
 * the internet can open a chat socket to the user's companion (403 before the handshake).
 */
export class MainWsAdapter extends WsAdapter {
  private readonly listeners = new Map<http.Server, (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void>();

  constructor(
    app: INestApplicationContext,
    private readonly policy: HostOriginPolicy,
  ) {
    super(app);
  }

  protected override ensureHttpServerExists(port: number, httpServer: http.Server = http.createServer()): http.Server | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    const listener = (request: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
      socket.on('error', () => socket.destroy());
      const verdict = this.policy.check(request.headers.host, request.headers.origin);
      if (!verdict.ok) return refuse(socket, 403, verdict.reason);
      let pathname: string;
      try {
        pathname = new URL(request.url ?? '/', 'ws://localhost').pathname;
      } catch {
        return refuse(socket, 400, 'Bad Request');
      }
      const servers = (this.wsServersRegistry.get(port) ?? []) as RegisteredServer[];
      const target = servers.find((s) => pathPattern(s.path).test(pathname));
      if (!target) return refuse(socket, 404, 'Not Found');
      target.handleUpgrade(request, socket, head, (ws) => target.emit('connection', ws, request));
    };
    httpServer.on('upgrade', listener);
    this.listeners.set(httpServer, listener);
    return httpServer;
  }

  override async dispose(): Promise<void> {
    for (const [server, listener] of this.listeners) server.off('upgrade', listener);
    this.listeners.clear();
    await super.dispose();
  }
}
