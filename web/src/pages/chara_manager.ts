/**
 * Characters page: the roster (switch, edit, rename, delete), the editor of one character's
 * persona, model and voice, and the master profile. Other windows hear `character_changed`.
 */
import { api, ensureOk } from '../core/api';
import { must } from '../core/dom';
import { onLanguageChange, t } from '../core/i18n';
import { bootPage } from '../core/page';
import { onPageMessage } from '../core/page-bus';
import { guarded, showError, showLoadError, toast } from '../core/toast';
import { CharaEditor, MasterForm } from '../manage/characters/chara-form.view';
import { renderList, type CardAction } from '../manage/characters/chara-list.view';
import * as actions from '../manage/characters/chara.actions';
import type { CharactersFile, VoiceEntry } from '../manage/characters/profile.body';

bootPage(async () => {
  const list = must('#chara-list');
  const loadError = must('#load-error');
  const editor = new CharaEditor();
  const master = new MasterForm();
  let file: CharactersFile = {};
  let voices: Readonly<Record<string, VoiceEntry>> = {};

  const render = () => renderList(list, { file, voices, editing: editor.editing ?? null }, act, () => void create());

  async function load(): Promise<void> {
    try {
      const [chars, lib] = await Promise.all([
        api.get<CharactersFile>('/api/characters'),
        // No audio key yet is normal: the voice list is then just empty.
        api.get<{ voices?: Record<string, VoiceEntry> }>('/api/characters/voices').catch(() => ({ voices: {} })),
      ]);
      file = chars;
      voices = lib.voices ?? {};
      loadError.replaceChildren();
    } catch (err) {
      showLoadError(loadError, t('chara.loadFailed'), err);
      list.replaceChildren();
      return;
    }
    if (typeof editor.editing === 'string' && !(editor.editing in (file.猫娘 ?? {}))) editor.close();
    render();
    if (!master.unsaved) master.show(file.主人 ?? {});
  }

  async function create(): Promise<void> {
    if (editor.editing === null || !(await editor.mayLeave())) return;
    editor.open(null, file, voices);
    render();
  }

  function act(action: CardAction, name: string, button: HTMLButtonElement): void {
    const isCurrent = name === file.当前猫娘;
    if (action === 'edit') {
      // Opening it again would reset what was typed; another character asks before dropping it.
      if (editor.editing === name) return;
      void editor.mayLeave().then((ok) => {
        if (!ok) return;
        editor.open(name, file, voices);
        render();
      });
      return;
    }
    void guarded(t(`chara.${action}Failed`), async () => {
      if (action === 'switch') await actions.switchTo(name);
      let renamed: string | undefined;
      if (action === 'rename') {
        renamed = await actions.rename(name, isCurrent);
        if (renamed === undefined) return;
      }
      if (action === 'delete' && !(await actions.remove(name))) return;
      const wasEditing = editor.editing === name;
      await load();
      // The editor keeps what the user typed, except after renaming the character it shows.
      if (renamed !== undefined && wasEditing) editor.open(renamed, file, voices);
      else editor.retranslate(file, voices);
    }, button);
  }

  editor.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const form = editor.read();
    if (!form.name) {
      toast(t('chara.nameRequired'), 'warn');
      return;
    }
    const old = typeof editor.editing === 'string' ? (file.猫娘?.[editor.editing] ?? {}) : undefined;
    void guarded(t('chara.saveFailed'), async () => {
      await actions.save(form, old);
      await load();
      editor.open(form.name, file, voices);
      render();
    }, editor.form.querySelector<HTMLButtonElement>('[data-action=save]'));
  });

  must('#chara-unregister-voice').addEventListener('click', (ev) => {
    const name = editor.editing;
    if (typeof name !== 'string') return;
    void guarded(t('chara.unregisterFailed'), async () => {
      await actions.unregisterVoice(name);
      await load();
      editor.open(name, file, voices);
    }, ev.currentTarget as HTMLButtonElement);
  });

  master.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = master.body();
    if (!body) return;
    void guarded(t('chara.saveFailed'), async () => {
      ensureOk(await api.post('/api/characters/master', body));
      toast(t('chara.masterSaved'), 'ok');
      await load();
      master.show(file.主人 ?? {});
    }, master.form.querySelector<HTMLButtonElement>('[data-action=save-master]'));
  });

  must('#chara-new').addEventListener('click', () => void create());
  window.addEventListener('beforeunload', (ev) => {
    if (editor.unsaved || master.unsaved) ev.preventDefault();
  });
  // Another window cloned a voice, chose a model or switched the character: show it.
  onPageMessage((msg) => {
    if (['voice_id_updated', 'model_changed', 'character_changed'].includes(msg.action)) {
      void load().then(() => editor.retranslate(file, voices)).catch((err: unknown) => showError(t('chara.loadFailed'), err));
    }
  });
  onLanguageChange(() => {
    render();
    master.retranslate();
    editor.retranslate(file, voices);
  });
  await load();
});
