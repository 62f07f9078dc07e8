// Live2D parameter editor: sliders for the parameters of the model's .cdi3.json, saved to the
// model's parameters.json (POST /api/live2d/save_model_parameters/{model}).
import { $, $$, api, el, enc, ensureOk, fillSelect, guarded, initPage, latestRequest, showLoadError, t, toast } from './common.js';

initPage();

const params = new URLSearchParams(location.search);
const state = { model: params.get('model') || '' };
const modelRequest = latestRequest();

/** .cdi3.json carries no ranges: use Cubism's usual ranges by parameter kind. */
function rangeOf(id) {
  if (/BodyAngle/i.test(id)) return [-10, 10, 0.1];
  if (/Angle/i.test(id)) return [-30, 30, 0.1];
  if (/EyeOpen|MouthOpen|Cheek|Breath/i.test(id)) return [0, 1, 0.01];
  return [-1, 1, 0.01];
}

function paramRow(p, value) {
  const [min, max, step] = rangeOf(p.id);
  const hasValue = typeof value === 'number';
  const enabled = el('input', { type: 'checkbox', class: 'param-on', checked: hasValue, 'aria-label': `${p.name} on` });
  const slider = el('input', { type: 'range', min, max, step, value: hasValue ? value : 0, 'aria-label': p.name });
  const number = el('input', { type: 'number', step, value: hasValue ? value : 0, style: 'width:90px', 'aria-label': `${p.name} value` });
  slider.addEventListener('input', () => { number.value = slider.value; enabled.checked = true; });
  number.addEventListener('input', () => { slider.value = number.value; enabled.checked = true; });
  return el('div', { class: 'row param-row', 'data-id': p.id, 'data-search': `${p.name} ${p.id}`.toLowerCase() },
    enabled, el('span', { class: 'grow', text: p.name === p.id ? p.id : `${p.name} (${p.id})` }),
    el('span', { class: 'grow' }, slider), number);
}

async function loadModel() {
  const list = $('#param-list');
  const isLatest = modelRequest();
  // Saving without the sliders would replace the model's parameters.json with {}.
  $('#param-save').disabled = true;
  if (!state.model) return list.replaceChildren(el('p', { class: 'empty', text: t('params.noModel') }));
  list.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
  try {
    const [defs, saved] = await Promise.all([
      api.get(`/api/live2d/model_parameters/${enc(state.model)}`).then(ensureOk),
      api.get(`/api/live2d/load_model_parameters/${enc(state.model)}`).catch(() => ({ parameters: {} })),
    ]);
    // Another model was picked meanwhile: its sliders must not be saved under this one.
    if (!isLatest()) return;
    const values = (saved && saved.parameters) || {};
    const groups = defs.parameter_groups || {};
    const byGroup = new Map();
    for (const p of defs.parameters || []) {
      const g = p.groupId || '';
      if (!byGroup.has(g)) byGroup.set(g, []);
      byGroup.get(g).push(p);
    }
    if (byGroup.size === 0) return list.replaceChildren(el('p', { class: 'empty', text: t('params.none') }));
    list.replaceChildren(...[...byGroup].map(([g, ps]) => el('fieldset', {},
      el('legend', { text: (groups[g] && groups[g].name) || g || t('params.ungrouped') }),
      ...ps.map((p) => paramRow(p, values[p.id])))));
    $('#param-save').disabled = false;
  } catch (err) {
    if (isLatest()) showLoadError(list, t('params.loadFailed'), err);
  }
}

async function load() {
  try {
    const models = await api.get('/api/live2d/models');
    const names = (Array.isArray(models) ? models : []).map((m) => m.name);
    if (!state.model || !names.includes(state.model)) state.model = names[0] || '';
    fillSelect($('#model-select'), names.map((n) => ({ value: n })), state.model);
    $('#load-error').replaceChildren();
  } catch (err) {
    showLoadError($('#load-error'), t('params.loadFailed'), err);
  }
  await loadModel();
}

$('#model-select').addEventListener('change', (ev) => {
  state.model = ev.currentTarget.value;
  void loadModel();
});

$('#param-filter').addEventListener('input', (ev) => {
  const q = ev.currentTarget.value.trim().toLowerCase();
  for (const row of $$('.param-row')) row.hidden = q !== '' && !row.dataset.search.includes(q);
});

$('#param-reset').addEventListener('click', () => {
  for (const box of $$('.param-on')) box.checked = false;
});

$('#param-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const parameters = {};
  for (const row of $$('.param-row')) {
    if (!row.querySelector('.param-on').checked) continue;
    const v = Number(row.querySelector('input[type=number]').value);
    if (Number.isFinite(v)) parameters[row.dataset.id] = v;
  }
  void guarded(t('params.saveFailed'), async () => {
    const res = ensureOk(await api.post(`/api/live2d/save_model_parameters/${enc(state.model)}`, { parameters }));
    // Tell an open companion page to re-apply the parameters (same key as the original).
    localStorage.setItem('nekopage_message', JSON.stringify({ action: 'reload_model_parameters', model: state.model, timestamp: Date.now() }));
    toast((res && res.message) || t('common.saved'), 'ok');
  }, $('#param-save'));
});

void load();
