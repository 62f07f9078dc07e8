import { Injectable } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { isValidModelName } from '../live2d/model-name.validator';
import { CharacterSessionsService } from './character-sessions.service';
import { CharacterProfilesService } from './character-profiles.service';
import { own, truthy } from './character-name.validator';
import { errorText, wireFail as fail, wireOk as ok, type WireResult as Outcome } from '../http/wire-outcome';
import { isoNow, VoiceStorageService } from './voice-storage.service';

const MODEL_TYPES = ['live2d', 'vrm', 'mmd'] as const;
/** Model names and paths end up in file lookups: one safe segment (or a relative URL path for VRM). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE_MODEL = /(^|[\\/])\.\.([\\/]|$)|[\u0000-\u001f]/;

/** Current character, microphone, model and voice settings of characters (spec §3.2). */
@Injectable()
export class CharacterSettingsService {
  constructor(
    private readonly characters: CharactersService,
    private readonly voices: VoiceStorageService,
    private readonly sessions: CharacterSessionsService,
    private readonly profiles: CharacterProfilesService,
  ) {}

  async currentName(): Promise<string> {
    const current = (await this.characters.read())['当前猫娘'];
    return typeof current === 'string' ? current : '';
  }

  async voiceModeStatus(name: string): Promise<Record<string, boolean>> {
    const isCurrent = (await this.currentName()) === name;
    const mgr = this.sessions.registry.get(name);
    if (!mgr) return { is_voice_mode: false, is_current: isCurrent, is_active: false };
    return { is_voice_mode: mgr.isActive && mgr.isVoiceMode, is_current: isCurrent, is_active: mgr.isActive };
  }

  async setCurrent(name: unknown): Promise<Outcome> {
    if (!truthy(name) || typeof name !== 'string') return fail(400, '猫娘名称不能为空');
    const file = await this.characters.read();
    if (!own(file['猫娘'], name)) return fail(404, '指定的猫娘不存在');
    const old = typeof file['当前猫娘'] === 'string' ? file['当前猫娘'] : '';
    if (old && this.sessions.isVoiceActive(old)) return fail(400, '语音状态下无法切换角色，请先停止语音对话后再切换');
    await this.characters.update((draft) => {
      draft['当前猫娘'] = name;
    });
    await this.sessions.reload();
    // Every open page hears it (a failed send forgets that socket, as the original).
    await this.sessions.registry.broadcast({ type: 'catgirl_switched', new_catgirl: name, old_catgirl: old });
    this.sessions.registry.notify({ kind: 'current_character', from: old || undefined, to: name });
    return ok({ success: true });
  }

  async setMicrophone(id: unknown): Promise<Outcome> {
    if (id !== null && id !== undefined && typeof id !== 'string') return fail(400, 'microphone_id必须是字符串或null');
    if (typeof id === 'string' && id.length > 1000) return fail(400, 'microphone_id过长');
    try {
      await this.characters.update((draft) => {
        (draft as Record<string, unknown>)['当前麦克风'] = id ?? null;
      });
      await this.sessions.reload();
      return ok({ success: true });
    } catch (err) {
      return fail(500, errorText(err));
    }
  }

  async microphone(): Promise<{ microphone_id: unknown }> {
    try {
      return { microphone_id: (await this.characters.read())['当前麦克风'] ?? null };
    } catch {
      return { microphone_id: null };
    }
  }

  /** PUT catgirl/l2d/{name}: the snapshot's `live2d`/`item_id`, plus upstream's `model_type`/`vrm`/… */
  async setModel(name: string, body: Record<string, unknown>): Promise<Outcome> {
    const type = body.model_type;
    if (type !== undefined && type !== null && !MODEL_TYPES.includes(type as (typeof MODEL_TYPES)[number])) {
      return fail(400, `无效的模型类型: ${JSON.stringify(type).slice(0, 50)}，仅支持 live2d、vrm、mmd`);
    }
    const kind = (type ?? 'live2d') as (typeof MODEL_TYPES)[number];
    const model = body[kind];
    if (!truthy(model) || typeof model !== 'string') {
      return ok({ success: false, error: kind === 'live2d' ? '未提供Live2D模型名称' : `未提供${kind.toUpperCase()}模型路径` });
    }
    if (model.length > 1000 || UNSAFE_MODEL.test(model) || (kind === 'live2d' && !isValidModelName(model))) {
      return ok({ success: false, error: `无效的模型名称: ${model.slice(0, 100)}` });
    }
    if (!own((await this.characters.read())['猫娘'], name)) return fail(404, '猫娘不存在');
    await this.characters.update((draft) => {
      const cat = own(draft['猫娘'], name);
      if (!cat) return;
      cat[kind] = model;
      if (type !== undefined && type !== null) cat.model_type = kind;
      // The original never clears the saved workshop item id; a truthy one replaces it.
      if (truthy(body.item_id) && isValidModelName(body.item_id)) cat.live2d_item_id = body.item_id;
      for (const k of ['vrm_animation', 'idle_animation']) if (k in body && kind === 'vrm') cat[k] = body[k];
    });
    await this.sessions.reload();
    const label = kind === 'live2d' ? 'Live2D' : kind.toUpperCase();
    return ok({ success: true, message: `已更新角色 ${name} 的${label}模型为 ${model}` });
  }

  async setVoiceId(name: string, body: Record<string, unknown>): Promise<Outcome> {
    if (!own((await this.characters.read())['猫娘'], name)) return fail(404, '猫娘不存在');
    if (!('voice_id' in body)) return ok({ success: true, session_restarted: false });
    const bad = await this.profiles.invalidVoice(body.voice_id);
    if (bad) return bad;
    await this.characters.update((draft) => {
      const cat = own(draft['猫娘'], name);
      if (cat) cat.voice_id = body.voice_id as string;
    });
    let restarted = false;
    if (name === (await this.currentName())) {
      restarted = await this.sessions.restart(name, '语音已更新，页面即将刷新');
    }
    await this.sessions.reload();
    this.sessions.registry.notify({ kind: 'voice', name });
    return ok({ success: true, session_restarted: restarted });
  }

  async unregisterVoice(name: string): Promise<Outcome> {
    try {
      const cat = own((await this.characters.read())['猫娘'], name);
      if (cat === undefined) return fail(404, '猫娘不存在');
      if (!truthy(cat.voice_id)) return fail(400, '该猫娘未注册声音');
      await this.characters.update((draft) => {
        const entry = own(draft['猫娘'], name);
        if (entry) delete entry.voice_id;
      });
      await this.sessions.reload();
      this.sessions.registry.notify({ kind: 'voice', name });
      return ok({ success: true, message: '声音注册已解除' });
    } catch (err) {
      return fail(500, `解除注册失败: ${errorText(err)}`);
    }
  }

  async clearVoiceIds(): Promise<Outcome> {
    try {
      let cleared = 0;
      await this.characters.update((draft) => {
        for (const cat of Object.values(draft['猫娘'])) {
          if (truthy(cat.voice_id)) {
            cat.voice_id = '';
            cleared += 1;
          }
        }
      });
      await this.sessions.reload();
      return ok({ success: true, message: `已清除 ${cleared} 个角色的Voice ID记录`, cleared_count: cleared });
    } catch (err) {
      return fail(500, `清除Voice ID记录时出错: ${errorText(err)}`);
    }
  }

  async reload(): Promise<Outcome> {
    try {
      await this.sessions.reload();
      return ok({ success: true, message: '角色配置已重新加载' });
    } catch (err) {
      return fail(500, `重新加载失败: ${errorText(err)}`);
    }
  }

  async registerVoice(voiceId: unknown, voiceData: unknown): Promise<Outcome> {
    if (!truthy(voiceId) || typeof voiceId !== 'string' || !truthy(voiceData) || typeof voiceData !== 'object' || Array.isArray(voiceData)) {
      return fail(400, '缺少必要参数');
    }
    try {
      await this.voices.saveVoice(voiceId, { ...(voiceData as Record<string, unknown>), voice_id: voiceId, created_at: isoNow() });
    } catch (err) {
      return fail(500, `保存音色配置失败: ${errorText(err)}`);
    }
    return ok({ success: true, message: '音色注册成功' });
  }
}
