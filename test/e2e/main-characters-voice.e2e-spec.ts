import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { VoiceCloneService } from '../../src/main/characters/voice-clone.service';
import { startMainApp, type MainHarness } from '../support/main-app.harness';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies asserted field by field

/** A RIFF/WAVE file with a PCM fmt chunk and `samples` frames of silence. */
function wav(opts: { channels?: number; rate?: number; bits?: number; samples?: number; tag?: number } = {}): Buffer {
  const { channels = 1, rate = 16000, bits = 16, samples = 1600, tag = 1 } = opts;
  const data = Buffer.alloc(samples * channels * (bits / 8));
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(tag, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 8);
  fmt.writeUInt16LE((channels * bits) / 8, 12);
  fmt.writeUInt16LE(bits, 14);
  const chunk = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'latin1'), Buffer.from(Uint32Array.of(body.length).buffer), body]);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), chunk('fmt ', fmt), chunk('data', data)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from(Uint32Array.of(body.length).buffer), body]);
}

interface Enrollment {
  status: number;
  body: Json;
}

/**
 * Stands in for the two outside hosts of voice cloning on 127.0.0.1: the upload host
 * (POST /api/upload → a download link, HEAD on the link) and DashScope's enrollment endpoint.
 */
class ProviderFixture {
  server!: Server;
  uploads: Buffer[] = [];
  enrollCalls: Array<{ auth: string | undefined; body: Json }> = [];
  enrollScript: Enrollment[] = [];
  uploadStatus = 200;
  headStatus = 200;

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req).then(({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(body)));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (req.method === 'POST' && req.url === '/api/upload') {
      this.uploads.push(raw);
      if (this.uploadStatus !== 200) return { status: this.uploadStatus, body: 'busy' };
      return { status: 200, body: JSON.stringify({ downloadLink: `${this.base}/files/${this.uploads.length}.wav` }) };
    }
    if (req.method === 'HEAD' && req.url?.startsWith('/files/')) return { status: this.headStatus, body: '' };
    if (req.method === 'POST' && req.url === '/api/v1/services/audio/tts/customization') {
      this.enrollCalls.push({ auth: req.headers.authorization, body: JSON.parse(raw.toString('utf8')) as Json });
      const next = this.enrollScript.shift() ?? { status: 200, body: { output: { voice_id: 'cosyvoice-v3-plus-neko-0001' }, request_id: 'req-ok' } };
      return { status: next.status, body: JSON.stringify(next.body) };
    }
    return { status: 404, body: '{}' };
  }
}

describe('POST /api/characters/voice_clone', () => {
  const fx = new ProviderFixture();
  let h: MainHarness;
  const coreConfig = () => ({
    coreApi: 'qwen',
    assistApi: 'qwen',
    assistApiKeyQwen: 'sk-audio-qwen-1234',
    enableCustomApi: true,
    ttsModelProvider: 'custom',
    ttsModelUrl: `${fx.base}/compatible-mode/v1`,
    ttsModelId: 'cosyvoice-v3-plus',
    ttsModelApiKey: 'sk-tts-0001',
    voiceCloneUploadUrl: `${fx.base}/api/upload`,
    recent_memory_auto_review: false,
  });
  const clone = (file: Buffer, name: string, prefix: string | null = 'neko') => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)], { type: 'application/octet-stream' }), name);
    if (prefix !== null) form.append('prefix', prefix);
    return h.request('POST', '/api/characters/voice_clone', { body: form });
  };
  const storage = (): Json => JSON.parse(readFileSync(join(h.root, 'config', 'voice_storage.json'), 'utf8')) as Json;

  beforeAll(() => fx.start());
  afterAll(() => fx.stop());
  beforeEach(async () => {
    fx.uploads = [];
    fx.enrollCalls = [];
    fx.enrollScript = [];
    fx.uploadStatus = 200;
    fx.headStatus = 200;
    h = await startMainApp({ coreConfig: coreConfig() });
    h.app.get(VoiceCloneService).retryDelayMs = 20;
  });
  afterEach(() => h.close());

  it('validates the sample with the original messages (400, no success key)', async () => {
    const cases: Array<[Buffer, string, string]> = [
      [Buffer.from('x'), 'a.ogg', '不支持的文件格式: .ogg。仅支持 WAV、MP3 和 M4A 格式。'],
      [wav({ channels: 2 }), 'a.wav', '建议使用单声道WAV文件，当前文件有2个声道。'],
      [wav({ bits: 8 }), 'a.WAV', 'WAV文件必须是16bit格式，当前文件是8bit。'],
      [wav({ rate: 11025 }), 'a.wav', '建议使用标准采样率(8000, 16000, 22050, 44100, 48000)，当前文件采样率: 11025Hz。'],
      [Buffer.from('not a wav at all'), 'a.wav', 'WAV文件格式错误: file does not start with RIFF id。请确认您的文件是合法的WAV文件。'],
      [Buffer.alloc(100), 'a.mp3', 'MP3文件太小，可能不是有效的音频文件。'],
      [Buffer.alloc(11 * 1024 * 1024), 'a.mp3', 'MP3文件太大，可能不是有效的音频文件。'],
      [Buffer.alloc(64), 'a.m4a', 'M4A文件格式无效或已损坏。请确认您的文件是合法的M4A文件。'],
    ];
    for (const [file, name, error] of cases) expect(await clone(file, name)).toMatchObject({ status: 400, json: { error } });
    const missing = await clone(wav(), 'a.wav', null);
    expect(missing.status).toBe(422);
    expect(missing.json.detail[0]).toMatchObject({ loc: ['body', 'prefix'] });
    expect((await h.request('POST', '/api/characters/voice_clone', { json: { prefix: 'x' } })).status).toBe(422);
    expect(fx.uploads).toHaveLength(0);
  });

  it('refuses a sample over 100 MB', async () => {
    const big = Buffer.concat([wav({ samples: 10 }), Buffer.alloc(100 * 1024 * 1024)]);
    expect(await clone(big, 'big.wav')).toMatchObject({ status: 400, json: { error: '文件大小超过100MB，超过tfLink的限制' } });
  });

  it('uploads, enrolls with the tts key and files the voice under the audio key', async () => {
    const sample = wav({ rate: 48000 });
    const res = await clone(sample, '我的声音.wav', 'neko');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ voice_id: 'cosyvoice-v3-plus-neko-0001', request_id: 'req-ok', file_url: `${fx.base}/files/1.wav`, message: '音色注册成功并已保存到音色库' });
    expect(fx.uploads[0].includes(sample)).toBe(true);
    expect(fx.enrollCalls).toEqual([
      {
        auth: 'Bearer sk-tts-0001',
        body: { model: 'voice-enrollment', input: { action: 'create_voice', target_model: 'cosyvoice-v3-plus', prefix: 'neko', url: `${fx.base}/files/1.wav` } },
      },
    ]);
    expect(storage()['sk-audio-qwen-1234']['cosyvoice-v3-plus-neko-0001']).toMatchObject({ voice_id: 'cosyvoice-v3-plus-neko-0001', prefix: 'neko', file_url: `${fx.base}/files/1.wav` });
    expect(Object.keys((await h.request('GET', '/api/characters/voices')).json.voices)).toEqual(['cosyvoice-v3-plus-neko-0001']);
    // The UI then sets it on the character.
    expect((await h.request('PUT', '/api/characters/catgirl/voice_id/Luna', { json: { voice_id: 'cosyvoice-v3-plus-neko-0001' } })).json.success).toBe(true);
  });

  it('retries time-outs three times, then answers 408', async () => {
    const timeout = { status: 500, body: { code: 'ResponseTimeout', message: 'Response timeout', request_id: 'r' } };
    fx.enrollScript = [timeout, timeout, timeout];
    const res = await clone(wav(), 'a.wav');
    expect(res.status).toBe(408);
    expect(res.json).toMatchObject({ error: '音色注册超时，已尝试3次', file_url: `${fx.base}/files/1.wav`, suggestion: '请检查您的网络连接，或稍后再试。如果问题持续，可能是服务器繁忙。' });
    expect(res.json.detail).toContain('ResponseTimeout');
    expect(fx.enrollCalls).toHaveLength(3);
  });

  it('retries download failures: success on the second attempt, 415 after three', async () => {
    const download = { status: 400, body: { code: 'InvalidParameter', message: 'download audio failed', request_id: 'r' } };
    fx.enrollScript = [download];
    expect((await clone(wav(), 'a.wav')).status).toBe(200);
    expect(fx.enrollCalls).toHaveLength(2);
    fx.enrollCalls = [];
    fx.enrollScript = [download, download, download];
    const res = await clone(wav(), 'a.wav');
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ error: '音色注册失败: 无法下载音频文件，已尝试3次', suggestion: '请检查文件URL是否可访问，或稍后重试' });
    expect(fx.enrollCalls).toHaveLength(3);
  });

  it('other enrollment errors: 500 at once with attempt and max_retries', async () => {
    fx.enrollScript = [{ status: 400, body: { code: 'InvalidParameter', message: 'prefix is invalid', request_id: 'r' } }];
    const res = await clone(wav(), 'a.wav', 'BAD PREFIX');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      error: '音色注册失败: Request: r, Status Code: 400, Error Code: InvalidParameter, Error Message: prefix is invalid',
      file_url: `${fx.base}/files/1.wav`,
      attempt: 1,
      max_retries: 3,
    });
    expect(fx.enrollCalls).toHaveLength(1);
  });

  it('upload host failures answer 500', async () => {
    fx.uploadStatus = 503;
    expect(await clone(wav(), 'a.wav')).toMatchObject({ status: 500, json: { error: '上传到tfLink失败，状态码: 503, 详情: busy' } });
    fx.uploadStatus = 200;
    fx.headStatus = 404;
    expect(await clone(wav(), 'a.wav')).toMatchObject({ status: 500, json: { error: '生成的临时URL无法访问，请重试' } });
    expect(fx.enrollCalls).toHaveLength(0);
  });

  it('without an upload host or an audio key: 400 saying what to set', async () => {
    const file = join(h.root, 'config', 'core_config.json');
    const withoutHost: Record<string, unknown> = coreConfig();
    delete withoutHost.voiceCloneUploadUrl;
    writeFileSync(file, JSON.stringify(withoutHost, null, 2));
    const res = await clone(wav(), 'a.wav');
    expect(res.status).toBe(400);
    expect(res.json.error).toContain('voiceCloneUploadUrl');
    expect(res.json.error).toContain('NEKO_VOICE_CLONE_UPLOAD_URL');
    writeFileSync(file, JSON.stringify({ coreApi: 'qwen', assistApi: 'qwen', voiceCloneUploadUrl: `${fx.base}/api/upload` }, null, 2));
    expect(await clone(wav(), 'a.wav')).toMatchObject({
      status: 400,
      json: { error: '未配置音频API密钥，请在设置中配置AUDIO_API_KEY', suggestion: '请前往设置页面配置音频API密钥' },
    });
    expect(fx.uploads).toHaveLength(0);
  });

  it('takes the upload host from NEKO_VOICE_CLONE_UPLOAD_URL when core_config.json has none', async () => {
    const withoutHost: Record<string, unknown> = coreConfig();
    delete withoutHost.voiceCloneUploadUrl;
    writeFileSync(join(h.root, 'config', 'core_config.json'), JSON.stringify(withoutHost, null, 2));
    process.env.NEKO_VOICE_CLONE_UPLOAD_URL = `${fx.base}/api/upload`;
    try {
      expect((await clone(wav(), 'a.wav')).status).toBe(200);
      expect(fx.uploads).toHaveLength(1);
    } finally {
      delete process.env.NEKO_VOICE_CLONE_UPLOAD_URL;
    }
  });
});
