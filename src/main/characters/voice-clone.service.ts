import { Injectable, Logger } from '@nestjs/common';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { errorText, type WireResult as Outcome } from '../http/wire-outcome';
import { enrollmentEndpoint, VoiceCloneClient } from './voice-clone.client';
import { checkVoiceSample, VOICE_SAMPLE_TOO_LARGE } from './voice-sample.validator';
import { isoNow, VoiceStorageService } from './voice-storage.service';

/** Env variable naming the upload host (core_config.json `voiceCloneUploadUrl` wins). */
export const UPLOAD_URL_ENV = 'NEKO_VOICE_CLONE_UPLOAD_URL';

export const NO_UPLOAD_HOST =
  '声音克隆需要一个文件上传服务器来为音频样本生成临时下载链接（DashScope 从该链接下载样本），但尚未配置。' +
  '请在 core_config.json 中设置 "voiceCloneUploadUrl"，或设置环境变量 NEKO_VOICE_CLONE_UPLOAD_URL。' +
  ' / Voice cloning needs an upload host that gives the sample a temporary download link (DashScope downloads it from there), ' +
  'and none is configured. Set "voiceCloneUploadUrl" in core_config.json or the environment variable NEKO_VOICE_CLONE_UPLOAD_URL.';

const MAX_RETRIES = 3;

/** One uploaded sample: name, content (at most the limit plus one byte) and its real size. */
export interface VoiceSample {
  readonly filename: string;
  readonly data: Buffer;
  readonly size: number;
}

const err = (status: number, body: Record<string, unknown>): Outcome => ({ status, body });

/**
 * POST /api/characters/voice_clone (spec §3.2): validate the sample, put it on the upload host,
 * enroll it as a CosyVoice voice with the tts tier's key (3 attempts, 3 s apart, retried on
 * time-outs and download failures), and file it in the voice library of the current audio key.
 * The bodies have no `success` key, as in the original.
 */
@Injectable()
export class VoiceCloneService {
  private readonly logger = new Logger(VoiceCloneService.name);
  /** Pause between enrollment attempts (the original's 3 s). */
  retryDelayMs = 3000;

  constructor(
    private readonly coreConfig: CoreConfigService,
    private readonly voices: VoiceStorageService,
    private readonly client: VoiceCloneClient,
  ) {}

  async uploadUrl(): Promise<string> {
    const fromFile = (await this.coreConfig.read()).voiceCloneUploadUrl;
    if (typeof fromFile === 'string' && fromFile.trim()) return fromFile.trim();
    return (process.env[UPLOAD_URL_ENV] ?? '').trim();
  }

  async clone(sample: VoiceSample, prefix: string): Promise<Outcome> {
    const check = checkVoiceSample(sample.filename, sample.data, sample.size);
    if (!check.ok) return err(400, { error: check.error });
    if (check.warning) this.logger.warn(`voice sample ${sample.filename}: ${check.warning}`);
    if (sample.size > 100 * 1024 * 1024) return err(400, { error: VOICE_SAMPLE_TOO_LARGE });
    const uploadUrl = await this.uploadUrl();
    if (!/^https?:\/\//i.test(uploadUrl)) return err(400, { error: NO_UPLOAD_HOST });
    const tts = await this.coreConfig.modelConfig('tts_custom');
    if (!tts.apiKey) {
      return err(400, { error: '未配置音频API密钥，请在设置中配置AUDIO_API_KEY', suggestion: '请前往设置页面配置音频API密钥' });
    }
    const endpoint = enrollmentEndpoint(tts.baseUrl);
    if (!endpoint) return err(400, { error: `无法从TTS接口地址推导音色注册地址: ${tts.baseUrl}` });
    let fileUrl = '未获取到URL';
    try {
      const uploaded = await this.client.upload(uploadUrl, sample.filename, check.mime, sample.data);
      if (!uploaded.ok) return err(500, { error: uploaded.error });
      fileUrl = uploaded.url;
      return await this.enroll(endpoint, tts.apiKey, prefix, fileUrl);
    } catch (e) {
      this.logger.error(`voice clone failed: ${errorText(e)}`);
      return err(500, { error: `注册音色时发生错误: ${errorText(e)}`, file_url: fileUrl });
    }
  }

  private async enroll(endpoint: string, apiKey: string, prefix: string, fileUrl: string): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      let enrolled;
      try {
        enrolled = await this.client.enroll(endpoint, apiKey, prefix, fileUrl);
      } catch (e) {
        const detail = errorText(e);
        this.logger.warn(`voice enrollment failed (attempt ${attempt + 1}/${MAX_RETRIES}): ${detail}`);
        const timeout = detail.includes('ResponseTimeout') || detail.toLowerCase().includes('timeout');
        const download = detail.includes('download audio failed') || detail.includes('415');
        if ((timeout || download) && attempt < MAX_RETRIES - 1) {
          await new Promise((r) => setTimeout(r, this.retryDelayMs));
          continue;
        }
        if (timeout) {
          return err(408, {
            error: `音色注册超时，已尝试${MAX_RETRIES}次`,
            detail,
            file_url: fileUrl,
            suggestion: '请检查您的网络连接，或稍后再试。如果问题持续，可能是服务器繁忙。',
          });
        }
        if (download) {
          return err(415, {
            error: `音色注册失败: 无法下载音频文件，已尝试${MAX_RETRIES}次`,
            detail,
            file_url: fileUrl,
            suggestion: '请检查文件URL是否可访问，或稍后重试',
          });
        }
        return err(500, { error: `音色注册失败: ${detail}`, file_url: fileUrl, attempt: attempt + 1, max_retries: MAX_RETRIES });
      }
      try {
        await this.voices.saveVoice(enrolled.voiceId, { voice_id: enrolled.voiceId, prefix, file_url: fileUrl, created_at: isoNow() });
      } catch (e) {
        return err(500, { error: `音色注册成功但保存到音色库失败: ${errorText(e)}`, voice_id: enrolled.voiceId, file_url: fileUrl });
      }
      return {
        status: 200,
        body: { voice_id: enrolled.voiceId, request_id: enrolled.requestId, file_url: fileUrl, message: '音色注册成功并已保存到音色库' },
      };
    }
  }
}
