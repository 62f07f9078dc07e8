import { Injectable, Logger } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import type { CharacterProfile } from '../../shared/config/characters.types';
import { ChatMemoryService } from '../chat-memory/chat-memory.service';
import { MemoryServerClient } from '../clients/peer-clients.module';
import { CharacterSessionsService } from './character-sessions.service';
import { INVALID_CHARACTER_NAME, isValidCharacterName, own, truthy } from './character-name.validator';
import { errorText, wireFail as fail, wireOk as ok, type WireResult as Outcome } from '../http/wire-outcome';
import { VoiceStorageService } from './voice-storage.service';

/**
 * Keys an update keeps when the form does not send them. The original kept only the first four;
 * [QUIRK] fixed: the UI never sends live2d_item_id or the upstream model keys, so saving a
 * character used to drop its workshop model and VRM settings. They are kept now.
 */
const KEPT_ON_UPDATE = ['档案名', 'system_prompt', 'voice_id', 'live2d', 'live2d_item_id', 'model_type', 'vrm', 'vrm_animation', 'idle_animation', 'lighting', 'mmd'];

const VOICE_UPDATED = '语音已更新，页面即将刷新';

/** Create, update, delete and rename characters; the master profile (spec §3.2, §3.11). */
/** How long a rename waits for the old name's memory reports to be delivered. */
const RENAME_FLUSH_MS = 10_000;

@Injectable()
export class CharacterProfilesService {
  private readonly logger = new Logger(CharacterProfilesService.name);

  constructor(
    private readonly characters: CharactersService,
    private readonly voices: VoiceStorageService,
    private readonly sessions: CharacterSessionsService,
    private readonly memory: MemoryServerClient,
    private readonly chatMemory: ChatMemoryService,
  ) {}

  async invalidVoice(voiceId: unknown): Promise<Outcome | undefined> {
    if (voiceId === '' || (await this.voices.isValid(voiceId))) return undefined;
    const available = Object.keys(await this.voices.currentVoices());
    return fail(400, `voice_id "${String(voiceId)}" 在当前API的音色库中不存在`, { available_voices: available });
  }

  async create(body: Record<string, unknown>): Promise<Outcome> {
    const name = body['档案名'];
    if (!truthy(name)) return fail(400, '档案名为必填项');
    if (!isValidCharacterName(name)) return fail(400, INVALID_CHARACTER_NAME);
    const profile: CharacterProfile = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === '档案名' || (k === 'voice_id' && v === '')) continue;
      if (truthy(v)) profile[k] = v;
    }
    let exists = false;
    await this.characters.update((draft) => {
      if (Object.hasOwn(draft['猫娘'], name)) {
        exists = true;
        return;
      }
      draft['猫娘'][name] = profile;
    });
    if (exists) return fail(400, '该猫娘已存在');
    await this.sessions.reload();
    // As the original: the memory server is told to re-read characters.json; if it is down the
    // character is still created and the failure is only logged.
    try {
      const res = await this.memory.request<{ status?: string; message?: string }>('/reload', { method: 'POST', timeoutMs: 5000 });
      if (!res.ok || res.json?.status !== 'success') this.logger.warn(`memory server /reload answered ${res.status}: ${res.text.slice(0, 200)}`);
    } catch (err) {
      this.logger.warn(`telling the memory server to reload failed (the character was created): ${errorText(err)}`);
    }
    return ok({ success: true });
  }

  async update(name: string, body: Record<string, unknown>): Promise<Outcome> {
    const file = await this.characters.read();
    if (!own(file['猫娘'], name)) return fail(404, '猫娘不存在');
    // Spec §3.2: only a present, non-empty voice_id is checked (null/false/0 leave the voice as it is).
    if (truthy(body.voice_id)) {
      const bad = await this.invalidVoice(body.voice_id);
      if (bad) return bad;
    }
    let oldVoice = '';
    let newVoice = '';
    let missing = false;
    await this.characters.update((draft) => {
      const cat = own(draft['猫娘'], name);
      if (!cat) {
        missing = true;
        return;
      }
      oldVoice = String(cat.voice_id ?? '');
      // Own keys only: `k in body` would also find "constructor", "toString" … on Object.prototype.
      for (const k of Object.keys(cat)) if (!Object.hasOwn(body, k) && !KEPT_ON_UPDATE.includes(k)) delete cat[k];
      if (body.voice_id === '') delete cat.voice_id;
      for (const [k, v] of Object.entries(body)) if (k !== '档案名' && truthy(v)) cat[k] = v;
      // [QUIRK] fixed: an explicitly emptied system_prompt goes back to the default template (the
      // original kept the old prompt forever; its UI never sends an empty one, so nothing changes there).
      if (typeof body.system_prompt === 'string' && body.system_prompt.trim() === '') delete cat.system_prompt;
      newVoice = String(cat.voice_id ?? '');
    });
    if (missing) return fail(404, '猫娘不存在');
    const changed = oldVoice !== newVoice;
    const isCurrent = name === (await this.characters.read())['当前猫娘'];
    let restarted = false;
    if (changed && isCurrent) restarted = await this.sessions.restart(name, VOICE_UPDATED);
    await this.sessions.reload();
    if (changed) this.sessions.registry.notify({ kind: 'voice', name });
    return ok({ success: true, voice_id_changed: changed, session_restarted: restarted });
  }

  async remove(name: string): Promise<Outcome> {
    const file = await this.characters.read();
    if (!own(file['猫娘'], name)) return fail(404, '猫娘不存在');
    if (name === file['当前猫娘']) return fail(400, '不能删除当前正在使用的猫娘！请先切换到其他猫娘后再删除。');
    // The memory server owns the memory files (recent, settings, time index, semantic store);
    // main never deletes them itself. If it is down the character is still removed (as the
    // original, which only logged failed deletions).
    await this.memoryCall('DELETE', `/api/memory/${encodeURIComponent(name)}`, undefined, `deleting the memory of ${name}`);
    await this.characters.update((draft) => {
      delete draft['猫娘'][name];
    });
    await this.sessions.reload();
    return ok({ success: true });
  }

  async rename(oldName: string, newName: unknown): Promise<Outcome> {
    if (!truthy(newName)) return fail(400, '新档案名不能为空');
    const file = await this.characters.read();
    if (!own(file['猫娘'], oldName)) return fail(404, '原猫娘不存在');
    if (!isValidCharacterName(newName)) return fail(400, INVALID_CHARACTER_NAME);
    if (Object.hasOwn(file['猫娘'], newName)) return fail(400, '新档案名已存在');
    const isCurrent = file['当前猫娘'] === oldName;
    if (isCurrent && this.sessions.isVoiceActive(oldName)) return fail(400, '语音状态下无法修改角色名称，请先停止语音对话后再修改');
    if (isCurrent) await this.sessions.sendTo(oldName, { type: 'catgirl_switched', new_catgirl: newName, old_catgirl: oldName });
    let conflict = false;
    await this.characters.update((draft) => {
      const cats = draft['猫娘'];
      if (!Object.hasOwn(cats, oldName) || Object.hasOwn(cats, newName)) {
        conflict = true;
        return;
      }
      // The entry keeps its place in the file (the original moved it to the end).
      draft['猫娘'] = Object.fromEntries(Object.entries(cats).map(([k, v]) => [k === oldName ? newName : k, v]));
      if (draft['当前猫娘'] === oldName) draft['当前猫娘'] = newName;
    });
    if (conflict) return fail(400, '新档案名已存在');
    await this.sessions.reload();
    // The ended session's last turns are still on their way to the old name: they go first, or they
    // would recreate it after the move. (Memory server down: the rename below fails too and the
    // memory stays under the old name, where those reports then go.)
    if (!(await this.chatMemory.flushFor(oldName, RENAME_FLUSH_MS))) this.logger.warn(`memory reports of ${oldName} still pending before its rename`);
    // Memory follows the name (the original left it behind). 404 = no memory yet: fine. If the
    // memory server is down the rename still happens and the failure is logged.
    await this.memoryCall('POST', `/api/memory/${encodeURIComponent(oldName)}/rename`, { new_name: newName }, `renaming the memory of ${oldName}`);
    return ok({ success: true });
  }

  async setMaster(body: Record<string, unknown>): Promise<Outcome> {
    if (!truthy(body['档案名'])) return fail(400, '档案名为必填项');
    const master = Object.fromEntries(Object.entries(body).filter(([, v]) => truthy(v)));
    await this.characters.update((draft) => {
      draft['主人'] = master;
    });
    await this.sessions.reload();
    return ok({ success: true });
  }

  /** §3.11: the UI's "rename master" (no route in the original, which answered 405). */
  async renameMaster(oldName: string, newName: unknown): Promise<Outcome> {
    if (!truthy(newName) || typeof newName !== 'string' || newName.trim() === '') return fail(400, '新档案名不能为空');
    if (newName.length > 100) return fail(400, '档案名过长');
    const current = (await this.characters.read())['主人']['档案名'];
    if (current !== oldName) return fail(404, '主人档案不存在');
    await this.characters.update((draft) => {
      draft['主人'] = { ...draft['主人'], 档案名: newName };
    });
    await this.sessions.reload();
    return ok({ success: true, message: `主人档案名已从 ${oldName} 修改为 ${newName}` });
  }

  private async memoryCall(method: 'POST' | 'DELETE', path: string, body: unknown, what: string): Promise<void> {
    try {
      // The memory server first lets queued background work finish (up to 10 s) and takes its locks.
      const res = await this.memory.request(path, { method, body, timeoutMs: 30_000 });
      if (!res.ok && res.status !== 404) this.logger.warn(`${what}: memory server answered ${res.status} ${res.text.slice(0, 200)}`);
    } catch (err) {
      this.logger.warn(`${what} failed (characters.json was changed anyway): ${errorText(err)}`);
    }
  }
}
