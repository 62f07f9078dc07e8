import { ConfigError, parseRuntimeEnv, portProblem } from './env.schema';

describe('parseRuntimeEnv', () => {
  it('uses N.E.K.O. ports and loopback by default', () => {
    const env = parseRuntimeEnv({});
    expect(env.host).toBe('127.0.0.1');
    expect(env.ports).toEqual({ main: 48911, memory: 48912, agent: 48915, zmqSessionPub: 48961, zmqAgentPush: 48962, zmqAnalyzePush: 48963 });
    expect(env.zmqHighWaterMark).toBe(1000);
    expect(env.zmqLingerMs).toBe(1000);
    expect(env.dataDir).toBeUndefined();
  });

  it('reads both upstream spellings of the port variables, NEKO_ first', () => {
    const env = parseRuntimeEnv({ MAIN_SERVER_PORT: '5000', NEKO_MEMORY_SERVER_PORT: '5001', MEMORY_SERVER_PORT: '6001', TOOL_SERVER_PORT: '5002', NEKO_ZMQ_ANALYZE_PUSH_PORT: '5003' });
    expect(env.ports.main).toBe(5000);
    expect(env.ports.memory).toBe(5001);
    expect(env.ports.agent).toBe(5002);
    expect(env.ports.zmqAnalyzePush).toBe(5003);
  });

  it('rejects a bad port with one clear message naming the variable', () => {
    expect(() => parseRuntimeEnv({ NEKO_MAIN_SERVER_PORT: 'abc' })).toThrow(new ConfigError('Invalid configuration: NEKO_MAIN_SERVER_PORT="abc" is not a port number (1-65535)'));
    expect(() => parseRuntimeEnv({ NEKO_MAIN_SERVER_PORT: '70000' })).toThrow(/NEKO_MAIN_SERVER_PORT="70000"/);
    expect(() => parseRuntimeEnv({ NEKO_MAIN_SERVER_PORT: '0' })).toThrow(ConfigError);
  });

  it('rejects clashing ports and lists every problem at once', () => {
    let message = '';
    try {
      parseRuntimeEnv({ NEKO_MEMORY_SERVER_PORT: '48915', NEKO_ZMQ_HWM: '-1' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('port 48915 is used for both memory HTTP and agent HTTP');
    expect(message).toContain('NEKO_ZMQ_HWM="-1"');
  });

  it('resolves a relative data folder against the working directory', () => {
    expect(parseRuntimeEnv({ NEKO_DATA_DIR: 'data' }, '/srv/neko').dataDir).toBe('/srv/neko/data');
  });

  it('parses allowed hosts and origins', () => {
    const env = parseRuntimeEnv({ NEKO_ALLOWED_HOSTS: 'Pc.Lan, 192.168.1.5', NEKO_ALLOWED_ORIGINS: 'http://pc.lan:48911/' });
    expect(env.allowedHosts).toEqual(['pc.lan', '192.168.1.5']);
    expect(env.allowedOrigins).toEqual(['http://pc.lan:48911']);
  });

  it('explains a port in use with the variable to change', () => {
    const err = portProblem('zmqSessionPub', 48961, Object.assign(new Error('Address already in use'), { code: 'EADDRINUSE' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('Port 48961 (ZeroMQ session PUB) is already in use');
    expect(err.message).toContain('NEKO_ZMQ_SESSION_PUB_PORT');
  });

  it('reads the chat timings with the spec defaults and rejects bad values', () => {
    expect(parseRuntimeEnv({}).chat).toEqual({ hotSwapAfterMs: 40000, hotSwapPrepareMs: 10000, silenceTimeoutMs: 90000, startCooldownMs: 3000 });
    const env = parseRuntimeEnv({ NEKO_HOT_SWAP_AFTER_MS: '500', NEKO_HOT_SWAP_PREPARE_MS: '0', NEKO_SILENCE_TIMEOUT_MS: '2000', NEKO_START_COOLDOWN_MS: '100' });
    expect(env.chat).toEqual({ hotSwapAfterMs: 500, hotSwapPrepareMs: 0, silenceTimeoutMs: 2000, startCooldownMs: 100 });
    expect(() => parseRuntimeEnv({ NEKO_HOT_SWAP_AFTER_MS: '-5' })).toThrow(/NEKO_HOT_SWAP_AFTER_MS="-5"/);
    expect(() => parseRuntimeEnv({ NEKO_SILENCE_TIMEOUT_MS: '10' })).toThrow(/NEKO_SILENCE_TIMEOUT_MS="10" must be a whole number from 1000/);
  });
});
