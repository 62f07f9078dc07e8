import type { CoreConfigService } from '../../shared/config/core-config.service';
import { deriveCoreConfig } from '../../shared/config/core-config.derive';
import type { CoreConfigFile } from '../../shared/config/core-config.types';
import { ChatCompletionError, type ChatCompletionPort } from '../../shared/llm/chat-completion.port';
import { ConnectionTestService } from './connection-test.service';

const FILE: CoreConfigFile = {
  coreApi: 'openai', coreApiKey: 'sk-core-secret-0001', assistApi: 'silicon', assistApiKeySilicon: 'sk-silicon-secret-0002',
  enableCustomApi: true, visionModelUrl: 'http://127.0.0.1:9/v1', visionModelId: 'llava', visionModelApiKey: '',
};

const ENV = { host: '127.0.0.1', ports: { main: 48911, memory: 48912, agent: 48915, zmqSessionPub: 48961, zmqAgentPush: 48962, zmqAnalyzePush: 48963 } };

function setUp(file: CoreConfigFile = FILE, complete: ChatCompletionPort['complete'] = () => Promise.resolve('p'), env: ConstructorParameters<typeof ConnectionTestService>[2] = ENV) {
  const config = { read: () => Promise.resolve(file), config: () => Promise.resolve(deriveCoreConfig(file)) } as unknown as CoreConfigService;
  const chat = { complete: jest.fn(complete), stream: jest.fn() } as unknown as ChatCompletionPort & { complete: jest.Mock };
  return { service: new ConnectionTestService(config, chat, env), chat };
}

/** Answers every fetch with a model list and records what was asked. */
function listing(ids: string[], status = 200) {
  return jest.spyOn(globalThis, 'fetch').mockImplementation(() => Promise.resolve(new Response(JSON.stringify({ data: ids.map((id) => ({ id })) }), { status })));
}

const authOf = (spy: jest.SpyInstance, call = 0) => ((spy.mock.calls[call] as [string, RequestInit])[1].headers as Record<string, string>).authorization;

describe('ConnectionTestService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('tests the core key on the same vendor\'s HTTP API and never asks the realtime model for a completion', async () => {
    const fetch = listing(['gpt-4.1-mini']);
    const { service, chat } = setUp();
    const res = await service.test({ tier: 'core' });
    expect(fetch.mock.calls[0]?.[0]).toBe('https://api.openai.com/v1/models');
    expect(authOf(fetch)).toBe('Bearer sk-core-secret-0001');
    expect(res).toMatchObject({ ok: true, model_found: false, model: 'gpt-realtime' });
    expect(chat.complete).not.toHaveBeenCalled();
  });

  it('uses the saved key when the page sends none or the masked one, and the typed key otherwise', async () => {
    const fetch = listing(['Qwen/Qwen3-Next-80B-A3B-Instruct']);
    const { service } = setUp();
    await service.test({ tier: 'assist' });
    await service.test({ tier: 'assist', api_key: '******************0002' });
    await service.test({ tier: 'assist', api_key: 'sk-typed' });
    expect([0, 1, 2].map((i) => authOf(fetch, i))).toEqual(['Bearer sk-silicon-secret-0002', 'Bearer sk-silicon-secret-0002', 'Bearer sk-typed']);
    expect(fetch.mock.calls[0]?.[0]).toBe('https://api.siliconflow.cn/v1/models');
  });

  it('a provider chosen in the unsaved form is tested with that provider\'s saved key', async () => {
    const fetch = listing([]);
    const { service } = setUp();
    const res = await service.test({ tier: 'assist', provider: 'qwen' });
    expect(fetch.mock.calls[0]?.[0]).toBe('https://dashscope.aliyuncs.com/compatible-mode/v1/models');
    expect(authOf(fetch)).toBe('Bearer sk-core-secret-0001'); // no Qwen key saved: the core key, as the app itself would use
    expect(res.ok).toBe(true);
    expect((await service.test({ tier: 'assist', provider: 'nobody' })).error_code).toBe('unknown_provider');
  });

  it('a keyless local server is fine; a cloud URL without any key is missing_key before any request', async () => {
    const fetch = listing(['llava']);
    const { service } = setUp();
    expect(await service.test({ tier: 'vision' })).toMatchObject({ ok: true, model_found: true, base_url: 'http://127.0.0.1:9/v1' });
    expect(authOf(fetch)).toBeUndefined();
    expect((await service.test({ base_url: 'https://api.example.com/v1' })).error_code).toBe('missing_key');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('refuses anything but http(s) and maps a provider\'s model error to model_not_found without echoing the key', async () => {
    listing(['other']);
    const { service } = setUp(FILE, () => Promise.reject(new ChatCompletionError('The model `llava` does not exist (key sk-core-secret-0001)', 'status', 404)));
    expect((await service.test({ base_url: 'ftp://x/v1', api_key: 'k' })).error_code).toBe('bad_url');
    expect((await service.test({ base_url: 'not a url', api_key: 'k' })).error_code).toBe('bad_url');
    const res = await service.test({ tier: 'vision' });
    expect(res).toMatchObject({ ok: false, error_code: 'model_not_found', model_found: false });
    expect(JSON.stringify(res)).not.toContain('sk-core-secret');
  });

  it('a 401 on the list is bad_key, a 5xx server_error', async () => {
    const { service } = setUp();
    listing([], 401);
    expect((await service.test({ tier: 'core' })).error_code).toBe('bad_key');
    jest.restoreAllMocks();
    listing([], 503);
    expect((await service.test({ tier: 'core' })).error_code).toBe('server_error');
  });

  it('never probes our own servers and never follows a redirect', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch').mockImplementation(() => Promise.resolve(new Response(null, { status: 302, headers: { location: 'http://127.0.0.1:48912/' } })));
    const { service } = setUp();
    for (const base_url of ['http://127.0.0.1:48912/v1', 'http://localhost:48915', 'http://[::1]:48911/v1']) {
      expect(await service.test({ base_url, api_key: 'k' })).toMatchObject({ ok: false, error_code: 'own_server' });
    }
    expect(fetch).not.toHaveBeenCalled();
    expect(await service.test({ base_url: 'http://127.0.0.1:11434/v1', api_key: 'k' })).toMatchObject({ ok: false, error_code: 'http_error' });
    expect((fetch.mock.calls[0] as [string, RequestInit])[1].redirect).toBe('manual');
  });

  it('knows our own ports under the other names of this machine (IPv4-mapped IPv6, trailing dot, 0)', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch');
    const { service } = setUp();
    for (const base_url of ['http://[::ffff:127.0.0.1]:48912/v1', 'http://localhost.:48911', 'http://0:48915/v1', 'http://127.1:48912', 'http://[::]:48911']) {
      expect({ base_url, ...(await service.test({ base_url, api_key: 'k' })) }).toMatchObject({ base_url, error_code: 'own_server' });
    }
    expect(fetch).not.toHaveBeenCalled();
    const lan = setUp(FILE, undefined, { ...ENV, host: '0.0.0.0', allowedHosts: ['PC.lan:48911', '192.168.1.5'] }).service;
    for (const base_url of ['http://pc.lan:48912/v1', 'http://192.168.1.5:48915']) expect((await lan.test({ base_url, api_key: 'k' })).error_code).toBe('own_server');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('the saved core key is not sent to another core provider picked in the unsaved form', async () => {
    const fetch = listing([]);
    const { service } = setUp();
    expect((await service.test({ tier: 'core', provider: 'qwen' })).error_code).toBe('missing_key');
    expect(fetch).not.toHaveBeenCalled();
    await service.test({ tier: 'core', provider: 'qwen', api_key: 'sk-typed-qwen' });
    expect(authOf(fetch)).toBe('Bearer sk-typed-qwen');
  });

  it('a saved key only goes to the host it was saved for', async () => {
    const fetch = listing(['Qwen/Qwen3-Next-80B-A3B-Instruct']);
    const { service } = setUp({ ...FILE, visionModelApiKey: 'sk-vision-secret-0003' });
    await service.test({ tier: 'vision', base_url: 'http://127.0.0.1:9/v2', model: 'llava' });
    expect(authOf(fetch, 0)).toBe('Bearer sk-vision-secret-0003');
    await service.test({ tier: 'vision', base_url: 'http://127.0.0.1:10/v1', model: 'llava' });
    expect(authOf(fetch, 1)).toBeUndefined();
    expect((await service.test({ tier: 'assist', base_url: 'https://elsewhere.example/v1' })).error_code).toBe('missing_key');
    expect(JSON.stringify(fetch.mock.calls)).not.toContain('sk-silicon-secret');
  });
});
