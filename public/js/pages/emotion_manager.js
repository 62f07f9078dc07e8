// Emotion manager: map emotions (and 常驻 persistent expressions) to a model's motion and
// expression files.
import { $, api, el, enc, ensureOk, fillSelect, initPage, showLoadError, t } from './common.js';
import { renderEmotionEditor } from './emotion_editor.js';

initPage();

const state = { model: new URLSearchParams(location.search).get('model') || '' };

async function showModel() {
  const editor = $('#emotion-editor');
  if (!state.model) return editor.replaceChildren(el('p', { class: 'empty', text: t('params.noModel') }));
  $('#model-info').textContent = '';
  api.get(`/api/live2d/model_config/${enc(state.model)}`).then(ensureOk).then((res) => {
    const refs = (res.config && res.config.FileReferences) || {};
    $('#model-info').textContent = t('emotion.info', {
      groups: Object.keys(refs.Motions || {}).length,
      expressions: (refs.Expressions || []).length,
    });
  }).catch((err) => {
    $('#model-info').textContent = `${t('emotion.loadFailed')}: ${err.message}`;
  });
  await renderEmotionEditor(editor, state.model);
}

async function load() {
  try {
    const res = ensureOk(await api.get('/api/live2d/models', { query: { simple: 'true' } }));
    const names = (res && res.models) || [];
    if (!state.model || !names.includes(state.model)) state.model = names[0] || '';
    fillSelect($('#model-select'), names.map((n) => ({ value: n })), state.model);
  } catch (err) {
    showLoadError($('#load-error'), t('params.loadFailed'), err);
  }
  await showModel();
}

$('#model-select').addEventListener('change', (ev) => {
  state.model = ev.currentTarget.value;
  history.replaceState(null, '', `?model=${enc(state.model)}`);
  void showModel();
});

void load();
