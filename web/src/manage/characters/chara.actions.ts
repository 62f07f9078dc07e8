/** What the roster and editor buttons do, over the characters API (spec §3.2). */
import { api, ensureOk } from '../../core/api';
import { enc } from '../../core/dom';
import { confirmDialog, promptDialog } from '../../core/dialog';
import { t } from '../../core/i18n';
import { postPageMessage } from '../../core/page-bus';
import { toast } from '../../core/toast';
import { characterBody, type CharacterForm, type Profile } from './profile.body';

interface VoiceModeStatus {
  readonly is_voice_mode?: boolean;
}

interface SaveAnswer {
  readonly session_restarted?: boolean;
}

/** Makes `name` the current character; the open companion page follows (page message + its WebSocket). */
export async function switchTo(name: string): Promise<void> {
  ensureOk(await api.post('/api/characters/current_catgirl', { catgirl_name: name }));
  postPageMessage('character_changed', { name });
  toast(t('chara.switched', { name }), 'ok');
}

/**
 * Asks for the new name and renames; answers it, or undefined when cancelled or refused. Refused
 * politely while the character is in a voice chat (the server would refuse too). The server also
 * moves the character's memory, so POST /api/memory/update_catgirl_name (the original UI's second
 * call) is not made: it would find nothing left under the old name.
 */
export async function rename(oldName: string, isCurrent: boolean): Promise<string | undefined> {
  const status = await api.get<VoiceModeStatus>(`/api/characters/catgirl/${enc(oldName)}/voice_mode_status`);
  if (status.is_voice_mode) {
    toast(t('chara.renameVoiceBusy', { name: oldName }), 'warn', 8000);
    return undefined;
  }
  const next = (await promptDialog(t('chara.renamePrompt', { name: oldName }), oldName, { maxLength: 100, okText: t('chara.rename') }))?.trim();
  if (!next || next === oldName) return undefined;
  ensureOk(await api.post(`/api/characters/catgirl/${enc(oldName)}/rename`, { new_name: next }));
  if (isCurrent) postPageMessage('character_changed', { name: next });
  toast(t('chara.renamed', { old: oldName, name: next }), 'ok');
  return next;
}

/** Deletes after a red confirmation; answers whether it was deleted. */
export async function remove(name: string): Promise<boolean> {
  const sure = await confirmDialog(t('chara.deleteConfirm', { name }), { danger: true, okText: t('common.delete'), title: t('chara.deleteTitle', { name }) });
  if (!sure) return false;
  ensureOk(await api.del(`/api/characters/catgirl/${enc(name)}`));
  toast(t('chara.deleted', { name }), 'ok');
  return true;
}

/** Creates (`old` undefined) or updates a character from the editor's values. */
export async function save(form: CharacterForm, old: Profile | undefined): Promise<void> {
  if (old === undefined) {
    ensureOk(await api.post('/api/characters/catgirl', characterBody({}, form)));
    toast(t('chara.created', { name: form.name }), 'ok');
    return;
  }
  const res = ensureOk(await api.put<SaveAnswer>(`/api/characters/catgirl/${enc(form.name)}`, characterBody(old, form)));
  toast(res.session_restarted ? t('chara.savedRestarted') : t('chara.saved', { name: form.name }), 'ok');
}

export async function unregisterVoice(name: string): Promise<void> {
  const sure = await confirmDialog(t('chara.unregisterConfirm', { name }), { okText: t('chara.unregisterVoice') });
  if (!sure) return;
  ensureOk(await api.post(`/api/characters/catgirl/${enc(name)}/unregister_voice`, {}));
  toast(t('chara.voiceRemoved', { name }), 'ok');
}
