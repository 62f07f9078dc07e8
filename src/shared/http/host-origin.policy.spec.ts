import { HostOriginPolicy } from './host-origin.policy';

const policy = new HostOriginPolicy({ host: '127.0.0.1', allowedHosts: ['pc.lan'], allowedOrigins: ['app://neko'] });

describe('HostOriginPolicy', () => {
  it.each([
    ['127.0.0.1:48911', undefined],
    ['localhost:48911', 'http://localhost:48911'],
    ['[::1]:48911', 'http://[::1]:48911'],
    ['127.0.0.1:48911', 'http://127.0.0.1:5173'],
    [undefined, undefined],
    ['pc.lan:48911', 'http://pc.lan:48911'],
    ['127.0.0.1:48911', 'app://neko'],
  ])('allows Host %s with Origin %s', (host, origin) => {
    expect(policy.check(host, origin)).toEqual({ ok: true });
  });

  it.each([
    ['evil.example:48911', undefined, 'Host "evil.example:48911" is not allowed'],
    ['127.0.0.1:48911', 'https://evil.example', 'Origin "https://evil.example" is not allowed'],
    ['127.0.0.1:48911', 'null', 'Origin "null" is not allowed'],
    ['127.0.0.1:48911', 'file://', 'Origin "file://" is not allowed'],
    ['localhost.evil.example', undefined, 'Host "localhost.evil.example" is not allowed'],
  ])('refuses Host %s with Origin %s', (host, origin, reason) => {
    expect(policy.check(host, origin)).toEqual({ ok: false, reason });
  });

  it('accepts the configured bind address but not a wildcard', () => {
    expect(new HostOriginPolicy({ host: '192.168.1.9', allowedHosts: [], allowedOrigins: [] }).check('192.168.1.9:48911', undefined).ok).toBe(true);
    expect(new HostOriginPolicy({ host: '0.0.0.0', allowedHosts: [], allowedOrigins: [] }).check('0.0.0.0:48911', undefined).ok).toBe(false);
  });
});
