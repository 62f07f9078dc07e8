import type { MemoryServerClient } from '../clients/peer-clients.module';
import { BeaconService } from './beacon.service';

function serviceWith(browserMode: string | undefined, request: jest.Mock): BeaconService {
  const saved = process.env.NEKO_BROWSER_MODE;
  if (browserMode === undefined) delete process.env.NEKO_BROWSER_MODE;
  else process.env.NEKO_BROWSER_MODE = browserMode;
  try {
    return new BeaconService({ request } as unknown as MemoryServerClient);
  } finally {
    if (saved === undefined) delete process.env.NEKO_BROWSER_MODE;
    else process.env.NEKO_BROWSER_MODE = saved;
  }
}

describe('BeaconService', () => {
  afterEach(() => jest.useRealTimers());

  it('is a no-op answering null unless NEKO_BROWSER_MODE=1', () => {
    const request = jest.fn();
    for (const flag of [undefined, '0', 'true']) expect(serviceWith(flag, request).beacon()).toBeNull();
    expect(request).not.toHaveBeenCalled();
  });

  it('in browser mode: acknowledges, then stops the memory server and this process once', async () => {
    jest.useFakeTimers();
    const request = jest.fn().mockResolvedValue({ status: 200, ok: true, json: undefined, text: '' });
    const service = serviceWith('1', request);
    const exit = jest.fn();
    service.requestExit = exit;
    expect(service.beacon()).toEqual({ success: true, message: '服务器关闭信号已接收' });
    expect(service.beacon()).toEqual({ success: true, message: '服务器关闭信号已接收' });
    expect(request).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(600);
    expect(request).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledWith('/shutdown', { method: 'POST', timeoutMs: 1000 });
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits even when the memory server is unreachable', async () => {
    const service = serviceWith('1', jest.fn().mockRejectedValue(new Error('memory server unreachable')));
    const exit = jest.fn();
    service.requestExit = exit;
    await service.shutdown();
    expect(exit).toHaveBeenCalledTimes(1);
  });
});
