/** The profile forms: the editor of one character (#chara-form: persona rows, prompt, model, voice) and the master profile. */
import { confirmDialog } from '../../core/dialog';
import { enc, fillSelect, must } from '../../core/dom';
import { t } from '../../core/i18n';
import { modelText } from './chara-list.view';
import { addRow, fillRows, readRows } from './kv-rows.view';
import { freeFields, masterBody, type CharacterForm, type CharactersFile, type Profile, type VoiceEntry } from './profile.body';

/** Rows a new character starts with, so the user sees what kind of details belong here. */
const NEW_CHARACTER_FIELDS = ['性别', '年龄', '昵称', '性格', '口头禅'];

export class CharaEditor {
  readonly form = must<HTMLFormElement>('#chara-form');
  private readonly section = must('#chara-editor');
  private readonly title = must('#chara-form-title');
  private readonly badge = must('#chara-current-badge');
  private readonly nameInput = must<HTMLInputElement>('#chara-name');
  private readonly fields = must('#chara-fields');
  private readonly prompt = must<HTMLTextAreaElement>('#chara-prompt');
  private readonly modelTextBox = must('#chara-model-text');
  private readonly modelLink = must<HTMLAnchorElement>('#chara-model-link');
  private readonly voice = must<HTMLSelectElement>('#chara-voice');
  private readonly cloneLink = must<HTMLAnchorElement>('#chara-voice-clone');
  private readonly unregister = must<HTMLButtonElement>('#chara-unregister-voice');
  private readonly placeholder = must('#chara-placeholder');
  /** The character being edited; null = a new one; undefined = the editor is closed. */
  editing: string | null | undefined;
  /** The form's values when it was opened or saved: anything else is an unsaved edit. */
  private baseline = '';

  constructor() {
    must('#chara-add-field').addEventListener('click', () => addRow(this.fields));
    must('#chara-close').addEventListener('click', () => void this.mayLeave().then((ok) => ok && this.close()));
  }

  /** The user typed something not saved yet. */
  get unsaved(): boolean {
    return this.editing !== undefined && JSON.stringify(this.read()) !== this.baseline;
  }

  /** True when the form may be replaced: nothing unsaved, or the user agreed to drop it. */
  async mayLeave(): Promise<boolean> {
    if (!this.unsaved) return true;
    const name = this.editing ?? t('chara.newTitle');
    return confirmDialog(t('chara.discardConfirm', { name }), { danger: true, okText: t('chara.discard') });
  }

  open(name: string | null, file: CharactersFile, voices: Readonly<Record<string, VoiceEntry>>): void {
    this.editing = name;
    const profile: Profile = name === null ? {} : (file.猫娘?.[name] ?? {});
    this.title.textContent = name === null ? t('chara.newTitle') : t('chara.editTitle', { name });
    this.badge.hidden = name === null || name !== file.当前猫娘;
    this.nameInput.value = name ?? '';
    // Renaming has its own button (it also moves the memory); the name is fixed while editing.
    this.nameInput.readOnly = name !== null;
    fillRows(this.fields, freeFields(profile), name === null ? NEW_CHARACTER_FIELDS : []);
    this.prompt.value = typeof profile.system_prompt === 'string' ? profile.system_prompt : '';
    this.modelTextBox.textContent = modelText(profile);
    this.modelLink.hidden = name === null;
    this.modelLink.href = `/model_manager?lanlan_name=${enc(name ?? '')}`;
    this.fillVoices(typeof profile.voice_id === 'string' ? profile.voice_id : '', voices);
    this.cloneLink.hidden = name === null;
    this.cloneLink.href = `/voice_clone?lanlan_name=${enc(name ?? '')}`;
    this.unregister.hidden = name === null || !profile.voice_id;
    this.section.hidden = false;
    this.placeholder.hidden = true;
    this.baseline = JSON.stringify(this.read());
    if (name === null) this.nameInput.focus();
    // On a phone the editor is below the roster: bring it into view.
    if (window.matchMedia('(max-width: 860px)').matches) this.section.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  /** Script-made texts (new language, current badge, voice list), keeping what the user typed. */
  retranslate(file: CharactersFile, voices: Readonly<Record<string, VoiceEntry>>): void {
    if (this.editing === undefined) return;
    const name = this.editing;
    this.badge.hidden = name === null || name !== file.当前猫娘;
    this.title.textContent = name === null ? t('chara.newTitle') : t('chara.editTitle', { name });
    this.modelTextBox.textContent = modelText(name === null ? {} : (file.猫娘?.[name] ?? {}));
    this.fillVoices(this.voice.value, voices);
  }

  close(): void {
    this.editing = undefined;
    this.section.hidden = true;
    this.placeholder.hidden = false;
  }

  read(): CharacterForm {
    return { name: this.nameInput.value.trim(), rows: readRows(this.fields), prompt: this.prompt.value, voiceId: this.voice.value };
  }

  private fillVoices(selected: string, voices: Readonly<Record<string, VoiceEntry>>): void {
    const options = [{ value: '', label: t('chara.voiceDefault') }];
    for (const [id, v] of Object.entries(voices)) options.push({ value: id, label: v.prefix || id });
    if (selected && !(selected in voices)) options.push({ value: selected, label: t('chara.voiceMissing', { id: selected }) });
    fillSelect(this.voice, options, selected);
    this.voice.disabled = options.length === 1;
    must('#chara-voice-hint').textContent = options.length === 1 ? t('chara.voiceNoneHint') : t('chara.voiceHint');
  }
}

/** The master profile (主人): the name characters call you by, plus free-form details. */
export class MasterForm {
  readonly form = must<HTMLFormElement>('#master-form');
  private readonly name = must<HTMLInputElement>('#master-name');
  private readonly fields = must('#master-fields');
  private readonly summary = must('#master-summary');
  private old: Profile = {};
  private baseline = '';

  constructor() {
    must('#master-add-field').addEventListener('click', () => addRow(this.fields));
  }

  /** The user typed something not saved yet (a reload of the list must not overwrite it). */
  get unsaved(): boolean {
    return JSON.stringify([this.name.value, readRows(this.fields)]) !== this.baseline;
  }

  show(master: Profile): void {
    this.old = master;
    this.name.value = typeof master.档案名 === 'string' ? master.档案名 : '';
    fillRows(this.fields, freeFields(master, true), Object.keys(master).length <= 1 ? ['昵称'] : []);
    this.baseline = JSON.stringify([this.name.value, readRows(this.fields)]);
    this.retranslate();
  }

  retranslate(): void {
    const name = typeof this.old.档案名 === 'string' ? this.old.档案名 : '';
    this.summary.textContent = name ? t('chara.masterSummary', { name }) : t('chara.masterSummaryEmpty');
  }

  /** The body to save, or undefined (and the name field marked) when the name is missing. */
  body(): Profile | undefined {
    const name = this.name.value.trim();
    if (!name) {
      this.name.setCustomValidity(t('chara.nameRequired'));
      this.name.reportValidity();
      this.name.setCustomValidity('');
      return undefined;
    }
    return masterBody(this.old, readRows(this.fields), name);
  }
}
