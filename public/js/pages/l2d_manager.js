// Model manager: list Live2D and VRM models, assign one to a character, upload a model folder /
// .zip / .vrm, and edit the Live2D emotion mapping.
import { $, api, el, enc, ensureOk, fillSelect, guarded, initPage, pageData, showLoadError, t, toast } from './common.js';
import { renderEmotionEditor } from './emotion_editor.js';

initPage();

const state = { characters: {}, chara: pageData().lanlanName, live2d: [], vrm: [], editing: null };

function currentOf(name) {
  return state.characters[name] || {};
}

function describeCurrent() {
  const cat = currentOf(state.chara);
  const vrm = cat.model_type === 'vrm' && cat.vrm ? ` · VRM: ${cat.vrm}` : '';
  $('#current-model').textContent = state.chara ? `${t('l2d.currentModel')}: ${cat.live2d || 'mao_pro'}${vrm}` : t('l2d.noCharacter');
  // The parameter editor opens the model given by ?model= (it reads no character).
  if (!state.editing) $('#param-link').href = `/live2d_parameter_editor?model=${enc(cat.live2d || '')}`;
}

function modelRow(label, source, active, onUse, onEdit) {
  return el('li', { class: active ? 'selected' : '' },
    el('span', { class: 'name', text: label }),
    source ? el('span', { class: 'badge', text: source }) : null,
    onEdit ? el('button', { type: 'button', class: 'secondary small', text: t('l2d.emotions'), onclick: onEdit }) : null,
    el('button', { type: 'button', class: 'small', text: active ? t('l2d.inUse') : t('l2d.use'), disabled: active || !state.chara, onclick: onUse }));
}

function renderLists() {
  const cat = currentOf(state.chara);
  const usingVrm = cat.model_type === 'vrm';
  $('#live2d-list').replaceChildren(...(state.live2d.length === 0
    ? [el('li', { class: 'empty', text: t('l2d.noModels') })]
    : state.live2d.map((m) => modelRow(m.name, m.source, !usingVrm && (cat.live2d || 'mao_pro') === m.name,
      (ev) => assign({ live2d: m.name, ...(m.item_id ? { item_id: m.item_id } : {}), ...(usingVrm ? { model_type: 'live2d' } : {}) }, ev.currentTarget),
      () => editEmotions(m)))));
  $('#vrm-list').replaceChildren(...(state.vrm.length === 0
    ? [el('li', { class: 'empty', text: t('l2d.noVrm') })]
    : state.vrm.map((m) => modelRow(m.name || m.filename, m.location, usingVrm && cat.vrm === m.url,
      // Upstream's body for a VRM avatar; live2d is kept so a server without VRM still accepts it.
      (ev) => assign({ model_type: 'vrm', vrm: m.url, live2d: cat.live2d || 'mao_pro' }, ev.currentTarget)))));
}

async function assign(body, button) {
  await guarded(t('l2d.assignFailed'), async () => {
    const res = ensureOk(await api.put(`/api/characters/catgirl/l2d/${enc(state.chara)}`, body));
    toast((res && res.message) || t('common.saved'), 'ok');
    await loadCharacters();
    renderLists();
  }, button);
}

function editEmotions(model) {
  state.editing = model.name;
  $('#emotion-model').textContent = `— ${model.name}`;
  $('#emotion-link').href = `/live2d_emotion_manager?model=${enc(model.name)}`;
  $('#param-link').href = `/live2d_parameter_editor?model=${enc(model.name)}`;
  const filesUrl = model.item_id ? `/api/live2d/model_files_by_id/${enc(model.item_id)}` : undefined;
  void renderEmotionEditor($('#emotion-editor'), model.name, filesUrl);
  $('#emotion-card').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

async function loadCharacters() {
  const data = await api.get('/api/characters');
  state.characters = (data && data['猫娘']) || {};
  const names = Object.keys(state.characters);
  if (!state.chara || !names.includes(state.chara)) state.chara = (data && data['当前猫娘']) || names[0] || '';
  fillSelect($('#chara-select'), names.map((n) => ({ value: n })), state.chara);
  describeCurrent();
}

async function loadModels() {
  const [live2d, vrm] = await Promise.all([
    api.get('/api/live2d/models'),
    api.get('/api/model/vrm/models').catch(() => ({ models: [] })),
  ]);
  state.live2d = Array.isArray(live2d) ? live2d : [];
  state.vrm = (vrm && Array.isArray(vrm.models)) ? vrm.models : [];
}

async function load() {
  try {
    await Promise.all([loadCharacters(), loadModels()]);
    $('#load-error').replaceChildren();
  } catch (err) {
    showLoadError($('#load-error'), t('l2d.loadFailed'), err);
  }
  renderLists();
}

$('#chara-select').addEventListener('change', (ev) => {
  state.chara = ev.currentTarget.value;
  describeCurrent();
  renderLists();
});

$('#upload-live2d').addEventListener('click', (ev) => {
  const folder = Array.from($('#folder-input').files || []);
  const zip = ($('#zip-input').files || [])[0];
  if (folder.length === 0 && !zip) return toast(t('l2d.pickFiles'), 'error');
  const form = new FormData();
  // Each part's filename is the path inside the picked folder (MyModel/MyModel.model3.json, …).
  if (folder.length > 0) for (const f of folder) form.append('files', f, f.webkitRelativePath || f.name);
  else form.append('files', zip, zip.name);
  void guarded(t('l2d.uploadFailed'), async () => {
    const res = ensureOk(await api.upload('/api/live2d/upload_model', form));
    toast((res && res.message) || t('l2d.uploaded'), 'ok');
    $('#folder-input').value = '';
    $('#zip-input').value = '';
    await loadModels();
    renderLists();
  }, ev.currentTarget);
});

$('#upload-vrm').addEventListener('click', (ev) => {
  const file = ($('#vrm-input').files || [])[0];
  if (!file) return toast(t('l2d.pickFiles'), 'error');
  if (!file.name.toLowerCase().endsWith('.vrm')) return toast(t('l2d.vrmOnly'), 'error');
  const form = new FormData();
  form.append('file', file, file.name);
  void guarded(t('l2d.uploadFailed'), async () => {
    const res = ensureOk(await api.upload('/api/model/vrm/upload', form));
    toast((res && res.message) || t('l2d.uploaded'), 'ok');
    $('#vrm-input').value = '';
    await loadModels();
    renderLists();
  }, ev.currentTarget);
});

document.addEventListener('neko:language', () => {
  describeCurrent();
  renderLists();
});

void load();
