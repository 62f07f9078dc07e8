// Character manager: master profile, characters (create / edit / rename / delete / make current)
// and voice selection, over the §3.2 endpoints.
import { $, api, el, enc, ensureOk, fillSelect, guarded, initPage, showLoadError, t, toast } from './common.js';
import { characterBody, isScalar, masterBody, RESERVED } from './profile_form.js';

initPage();

const state = { data: null, voices: {}, selected: null, creating: false, opened: false };

function fieldRow(key = '', value = '') {
  const row = el('div', { class: 'kv-row' },
    el('input', { type: 'text', class: 'kv-key', value: key, maxlength: 100, placeholder: t('chara.key'), 'aria-label': t('chara.key') }),
    el('textarea', { class: 'kv-value', rows: 1, maxlength: 10000, placeholder: t('chara.value'), 'aria-label': t('chara.value') }),
    el('button', { type: 'button', class: 'danger small', text: '✕', title: t('common.remove'), onclick: () => row.remove() }));
  row.querySelector('.kv-value').value = value;
  return row;
}

/** The [key, value] pairs of the field rows. */
const readRows = (container) =>
  Array.from(container.querySelectorAll('.kv-row'), (row) => [row.querySelector('.kv-key').value, row.querySelector('.kv-value').value]);

async function load() {
  try {
    const [data, voices] = await Promise.all([api.get('/api/characters'), api.get('/api/characters/voices').catch(() => ({ voices: {} }))]);
    state.data = data;
    state.voices = (voices && voices.voices) || {};
    $('#load-error').replaceChildren();
    renderList();
    if (state.selected && !(state.selected in (data['猫娘'] || {}))) state.selected = null;
    // First visit: open the current character straight away.
    if (!state.selected && !state.opened && data['当前猫娘'] in (data['猫娘'] || {})) state.selected = data['当前猫娘'];
    state.opened = true;
    if (state.selected) openCharacter(state.selected);
  } catch (err) {
    showLoadError($('#load-error'), t('chara.loadFailed'), err);
    $('#chara-list').replaceChildren(el('li', { class: 'empty', text: t('common.unavailable') }));
  }
}

function renderList() {
  const cats = state.data['猫娘'] || {};
  const current = state.data['当前猫娘'];
  const names = Object.keys(cats);
  $('#chara-list').replaceChildren(...(names.length === 0
    ? [el('li', { class: 'empty', text: t('chara.none') })]
    : names.map((name) => el('li', { class: `selectable${name === state.selected ? ' selected' : ''}`, onclick: () => openCharacter(name) },
      el('span', { class: 'name', text: name }),
      name === current ? el('span', { class: 'badge ok', text: t('chara.current') }) : null))));
}

function voiceOptions(selected) {
  const options = [{ value: '', label: t('chara.defaultVoice') }];
  for (const [id, v] of Object.entries(state.voices)) options.push({ value: id, label: (v && v.prefix) || id });
  if (selected && !(selected in state.voices)) options.push({ value: selected, label: `${selected} (${t('chara.notInLibrary')})` });
  fillSelect($('#chara-voice'), options, selected || '');
}

function showCard(which) {
  $('#master-card').hidden = which !== 'master';
  $('#chara-card').hidden = which !== 'chara';
  $('#chara-placeholder').hidden = which !== null;
}

function openCharacter(name) {
  state.selected = name;
  state.creating = name === null;
  const cat = name === null ? {} : (state.data['猫娘'] || {})[name] || {};
  $('#chara-title').textContent = name === null ? t('chara.new') : name;
  $('#chara-name-input').value = name ?? '';
  $('#chara-name-input').readOnly = name !== null;
  $('#chara-current-badge').hidden = name === null || name !== state.data['当前猫娘'];
  const rows = Object.entries(cat).filter(([k, v]) => !RESERVED.has(k) && isScalar(v)).map(([k, v]) => [k, String(v)]);
  if (name === null) rows.push(['性别', ''], ['昵称', '']);
  $('#chara-fields').replaceChildren(...rows.map(([k, v]) => fieldRow(k, v)));
  $('#chara-prompt').value = typeof cat.system_prompt === 'string' ? cat.system_prompt : '';
  voiceOptions(typeof cat.voice_id === 'string' ? cat.voice_id : '');
  for (const id of ['#chara-rename', '#chara-set-current', '#chara-delete', '#unregister-voice']) $(id).hidden = name === null;
  $('#voice-clone-link').href = `/voice_clone?lanlan_name=${enc(name ?? '')}`;
  $('#model-link').href = `/l2d?lanlan_name=${enc(name ?? '')}`;
  showCard('chara');
  renderList();
}

function openMaster() {
  state.selected = null;
  const master = state.data['主人'] || {};
  $('#master-name-input').value = typeof master['档案名'] === 'string' ? master['档案名'] : '';
  const rows = Object.entries(master).filter(([k, v]) => k !== '档案名' && isScalar(v)).map(([k, v]) => [k, String(v)]);
  $('#master-fields').replaceChildren(...rows.map(([k, v]) => fieldRow(k, v)));
  showCard('master');
  renderList();
}

function formBody(name) {
  const old = state.creating ? {} : (state.data['猫娘'] || {})[name] || {};
  return characterBody(old, readRows($('#chara-fields')), { name, voiceId: $('#chara-voice').value, prompt: $('#chara-prompt').value });
}

$('#chara-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const name = $('#chara-name-input').value.trim();
  if (!name) return toast(t('chara.nameRequired'), 'error');
  void guarded(t('chara.saveFailed'), async () => {
    if (state.creating) ensureOk(await api.post('/api/characters/catgirl', formBody(name)));
    else {
      const res = ensureOk(await api.put(`/api/characters/catgirl/${enc(name)}`, formBody(name)));
      if (res && res.session_restarted) toast(t('chara.sessionRestarted'));
    }
    state.selected = name;
    toast(t('common.saved'), 'ok');
    await load();
  }, $('#chara-save'));
});

$('#chara-rename').addEventListener('click', (ev) => {
  const old = state.selected;
  const next = prompt(t('chara.renamePrompt', { name: old }), old);
  if (!next || next.trim() === '' || next.trim() === old) return;
  void guarded(t('chara.renameFailed'), async () => {
    const status = await api.get(`/api/characters/catgirl/${enc(old)}/voice_mode_status`);
    if (status && status.is_voice_mode) throw new Error(t('chara.voiceModeBusy'));
    ensureOk(await api.post(`/api/characters/catgirl/${enc(old)}/rename`, { new_name: next.trim() }));
    // The original UI then called POST /api/memory/update_catgirl_name. Our rename API already
    // renames the character's memory (recent file and stores), so calling it again would fail
    // with "记忆文件不存在" — deliberately not called.
    state.selected = next.trim();
    toast(t('common.saved'), 'ok');
    await load();
  }, ev.currentTarget);
});

$('#chara-set-current').addEventListener('click', (ev) => {
  void guarded(t('chara.switchFailed'), async () => {
    ensureOk(await api.post('/api/characters/current_catgirl', { catgirl_name: state.selected }));
    toast(t('chara.switched', { name: state.selected }), 'ok');
    await load();
  }, ev.currentTarget);
});

$('#chara-delete').addEventListener('click', (ev) => {
  const name = state.selected;
  if (!confirm(t('chara.deleteConfirm', { name }))) return;
  void guarded(t('chara.deleteFailed'), async () => {
    ensureOk(await api.del(`/api/characters/catgirl/${enc(name)}`));
    state.selected = null;
    showCard(null);
    toast(t('common.deleted'), 'ok');
    await load();
  }, ev.currentTarget);
});

$('#unregister-voice').addEventListener('click', (ev) => {
  void guarded(t('chara.unregisterFailed'), async () => {
    const res = ensureOk(await api.post(`/api/characters/catgirl/${enc(state.selected)}/unregister_voice`, {}));
    toast((res && res.message) || t('common.saved'), 'ok');
    await load();
  }, ev.currentTarget);
});

$('#master-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const name = $('#master-name-input').value.trim();
  if (!name) return toast(t('chara.nameRequired'), 'error');
  void guarded(t('chara.saveFailed'), async () => {
    ensureOk(await api.post('/api/characters/master', masterBody(state.data['主人'] || {}, readRows($('#master-fields')), name)));
    toast(t('common.saved'), 'ok');
    await load();
  });
});

$('#new-chara').addEventListener('click', () => state.data && openCharacter(null));
$('#edit-master').addEventListener('click', () => state.data && openMaster());
$('#chara-add-field').addEventListener('click', () => $('#chara-fields').append(fieldRow()));
$('#master-add-field').addEventListener('click', () => $('#master-fields').append(fieldRow()));
// The voice clone page tells its opener about a new voice (postMessage voice_id_updated).
window.addEventListener('message', (ev) => {
  if (ev.origin === location.origin && ev.data && ev.data.type === 'voice_id_updated') void load();
});

void load();
