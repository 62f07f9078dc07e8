import { request } from 'node:http';

/** One GET /health; resolves true on HTTP 200 with status "ok". Never rejects. */
export function probeHealth(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 && (JSON.parse(body) as { status?: string }).status === 'ok');
        } catch {
          resolve(false);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Polls /health until it answers or `isCancelled()` turns true. */
export async function waitForHealth(port: number, isCancelled: () => boolean, intervalMs = 25): Promise<boolean> {
  while (!isCancelled()) {
    if (await probeHealth(port)) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
