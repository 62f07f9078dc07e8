import { socketFailure, upgradeRefused } from './realtime-socket.client';

describe('realtime connection failures → LlmError kinds', () => {
  it('maps refused upgrades by status, keeping a bounded body', () => {
    expect(upgradeRefused(401, '{"error":"bad key"}')).toMatchObject({ kind: 'unauthorized', status: 401, message: 'realtime connection refused: HTTP 401 {"error":"bad key"}' });
    expect(upgradeRefused(403, '').kind).toBe('unauthorized');
    expect(upgradeRefused(429, '').kind).toBe('rate_limited');
    expect(upgradeRefused(502, 'x'.repeat(5000)).message.length).toBeLessThan(400);
    expect(upgradeRefused(502, '').kind).toBe('other');
  });

  it('network failures say "All connection attempts failed"', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(socketFailure(refused)).toMatchObject({ kind: 'unreachable', message: 'All connection attempts failed: connect ECONNREFUSED 127.0.0.1:9' });
    expect(socketFailure(Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' })).kind).toBe('unreachable');
    expect(socketFailure(new Error('unable to verify the first certificate')).kind).toBe('unreachable');
    expect(socketFailure(new Error('Invalid WebSocket frame')).kind).toBe('other');
  });
});
