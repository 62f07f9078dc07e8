import { isLoopbackUrl } from './api-providers.const';
import { deriveCoreConfig, modelApiConfig } from './core-config.derive';
import { coerceCoreConfigFile, defaultCoreConfigFile, maskSecret } from './core-config.types';

describe('deriveCoreConfig (spec §6.3)', () => {
  it('defaults to qwen for both families with empty keys', () => {
    const cfg = deriveCoreConfig(defaultCoreConfigFile());
    expect(cfg.coreApiType).toBe('qwen');
    expect(cfg.core.url).toBe('wss://dashscope.aliyuncs.com/api-ws/v1/realtime');
    expect(cfg.assistApiType).toBe('qwen');
    expect(modelApiConfig(cfg, 'correction')).toEqual({
      model: 'qwen3-235b-a22b-instruct-2507',
      apiKey: '',
      baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
      isCustom: false,
    });
    expect(cfg.mcpRouterApiKey).toBe('Copy from MCP Router if needed');
  });

  it('falls back from assist keys to the core key, and uses the selected assist key for audio', () => {
    const cfg = deriveCoreConfig({ coreApi: 'openai', coreApiKey: 'sk-core', assistApi: 'glm', assistApiKeyGlm: 'glm-key' });
    expect(cfg.assistKeys).toMatchObject({ qwen: 'sk-core', openai: 'sk-core', glm: 'glm-key' });
    expect(cfg.assist).toEqual({ url: 'https://open.bigmodel.cn/api/paas/v4', apiKey: 'glm-key' });
    expect(cfg.audioApiKey).toBe('glm-key');
    expect(modelApiConfig(cfg, 'realtime')).toEqual({ model: 'gpt-realtime', apiKey: 'sk-core', baseUrl: 'wss://api.openai.com/v1/realtime', isCustom: false, apiType: 'openai' });
    expect(modelApiConfig(cfg, 'correction').extraBody).toEqual({ thinking: { type: 'disabled' } });
  });

  it('forces the free assist profile when the core is free', () => {
    const cfg = deriveCoreConfig({ coreApi: 'free', assistApi: 'openai' });
    expect(cfg.isFreeVersion).toBe(true);
    expect(cfg.assistApiType).toBe('free');
    expect(cfg.core.apiKey).toBe('free-access');
    expect(modelApiConfig(cfg, 'vision')).toMatchObject({ model: 'free-vision-model', apiKey: 'free-access' });
  });

  it('maps every custom tier only when enabled and complete (upstream mapping)', () => {
    const file = {
      enableCustomApi: true,
      summaryModelId: 'llama3', summaryModelUrl: 'http://127.0.0.1:11434/v1', summaryModelApiKey: 'none',
      omniModelId: 'rt', omniModelUrl: 'ws://127.0.0.1:9000/realtime', omniModelApiKey: 'k',
      ttsModelId: 'tts-1', ttsModelUrl: 'http://127.0.0.1:9001/v1', ttsModelApiKey: 't',
      correctionModelId: 'half-configured',
    };
    const cfg = deriveCoreConfig(file);
    expect(modelApiConfig(cfg, 'summary')).toEqual({ model: 'llama3', apiKey: 'none', baseUrl: 'http://127.0.0.1:11434/v1', isCustom: true });
    expect(modelApiConfig(cfg, 'realtime')).toMatchObject({ model: 'rt', isCustom: true, apiType: 'local' });
    expect(modelApiConfig(cfg, 'tts_default')).toMatchObject({ model: 'tts-1', isCustom: true });
    expect(modelApiConfig(cfg, 'tts_custom')).toMatchObject({ model: 'tts-1', isCustom: true });
    expect(modelApiConfig(cfg, 'correction').isCustom).toBe(false);
    expect(modelApiConfig(deriveCoreConfig({ ...file, enableCustomApi: false }), 'summary').isCustom).toBe(false);
  });

  it('replaces unknown providers by qwen and says so', () => {
    const cfg = deriveCoreConfig({ coreApi: 'nope', assistApi: 'nada' });
    expect(cfg.coreApiType).toBe('qwen');
    expect(cfg.assistApiType).toBe('qwen');
    expect(cfg.warnings).toEqual(['unknown core provider "nope", using qwen', 'unknown assist provider "nada", using qwen']);
  });

  it('drops known fields of the wrong type but keeps unknown keys', () => {
    const warnings: string[] = [];
    const file = coerceCoreConfigFile({ enableCustomApi: 'yes', coreApiKey: 42, myOwnKey: [1] }, (w) => warnings.push(w));
    expect(file).toEqual({ myOwnKey: [1] });
    expect(warnings).toHaveLength(2);
  });

  it('masks secrets but the last 4 characters', () => {
    expect(maskSecret('sk-1234567890')).toBe('*********7890');
    expect(maskSecret('abc')).toBe('***');
  });
});

describe('the local provider (no key on loopback)', () => {
  it('resolves assist "local" to the keyless Ollama endpoint for every text tier', () => {
    const cfg = deriveCoreConfig({ coreApi: 'qwen', coreApiKey: 'sk-core', assistApi: 'local' });
    expect(cfg.warnings).toEqual([]);
    for (const tier of ['summary', 'correction', 'emotion'] as const) {
      expect(modelApiConfig(cfg, tier)).toEqual({ model: 'qwen2.5:7b', apiKey: '', baseUrl: 'http://127.0.0.1:11434/v1', isCustom: false });
    }
    expect(modelApiConfig(cfg, 'vision').model).toBe('qwen2.5vl:7b');
  });

  it('accepts core "local" without a realtime endpoint', () => {
    const cfg = deriveCoreConfig({ coreApi: 'local', assistApi: 'local' });
    expect(cfg.warnings).toEqual([]);
    expect(modelApiConfig(cfg, 'realtime')).toEqual({ model: '', apiKey: '', baseUrl: '', isCustom: false, apiType: 'local' });
  });

  it('takes a keyless custom tier on loopback but not on a remote host', () => {
    const file = {
      enableCustomApi: true,
      assistApi: 'local',
      correctionModelId: 'llama3.1:8b', correctionModelUrl: 'http://localhost:8080/v1',
      emotionModelId: 'remote', emotionModelUrl: 'https://api.example.com/v1',
    };
    const cfg = deriveCoreConfig(file);
    expect(modelApiConfig(cfg, 'correction')).toEqual({ model: 'llama3.1:8b', apiKey: '', baseUrl: 'http://localhost:8080/v1', isCustom: true });
    expect(modelApiConfig(cfg, 'emotion')).toMatchObject({ model: 'qwen2.5:7b', isCustom: false });
  });

  it('tells loopback URLs from look-alikes', () => {
    expect(isLoopbackUrl('http://127.0.0.1:11434/v1')).toBe(true);
    expect(isLoopbackUrl('ws://[::1]:9000/realtime')).toBe(true);
    expect(isLoopbackUrl('http://localhost')).toBe(true);
    expect(isLoopbackUrl('http://localhost.evil.com/v1')).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.1.nip.io/v1')).toBe(false);
    expect(isLoopbackUrl('https://api.openai.com/v1')).toBe(false);
  });
});
