// Emotion → motion/expression mapping editor shared by the model manager and the emotion manager
// (GET/POST /api/live2d/emotion_mapping/{model}, files from /api/live2d/model_files/{model}).
import { api, el, enc, ensureOk, guarded, latestRequest, t, toast } from './common.js';

export const EMOTIONS = ['happy', 'sad', 'angry', 'neutral', 'surprised'];
/** Persistent expressions (always on); the server ignores it for motions. */
export const PERSISTENT = '常驻';

function multiSelect(files, chosen, label) {
  const select = el('select', { multiple: true, size: Math.min(6, Math.max(3, files.length)), 'aria-label': label });
  const set = new Set(chosen);
  for (const f of files) select.append(el('option', { value: f, text: f, selected: set.has(f) }));
  for (const f of chosen) if (!files.includes(f)) select.append(el('option', { value: f, text: `${f} (${t('emotion.missingFile')})`, selected: true }));
  return select;
}

const selected = (select) => Array.from(select.selectedOptions).map((o) => o.value);

/** One editor per page: only the latest render may fill it. */
const editorRequest = latestRequest();

/**
 * Renders the editor for one model into `container`. `filesUrl` overrides the model_files URL
 * (workshop models use model_files_by_id). Answers after loading; errors are shown in place.
 */
export async function renderEmotionEditor(container, model, filesUrl) {
  const isLatest = editorRequest();
  container.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
  let files;
  let mapping;
  try {
    [files, mapping] = await Promise.all([
      api.get(filesUrl || `/api/live2d/model_files/${enc(model)}`).then(ensureOk),
      api.get(`/api/live2d/emotion_mapping/${enc(model)}`).then(ensureOk),
    ]);
  } catch (err) {
    if (isLatest()) container.replaceChildren(el('p', { class: 'banner banner-error', text: `${t('emotion.loadFailed')}: ${err.message}` }));
    return;
  }
  if (!isLatest()) return; // another model was picked meanwhile
  const motions = files.motion_files || [];
  const expressions = files.expression_files || [];
  const config = (mapping && mapping.config) || {};
  const known = new Set([...EMOTIONS, ...Object.keys(config.motions || {}), ...Object.keys(config.expressions || {})]);
  known.delete(PERSISTENT);
  const rows = [];
  const table = el('table', {},
    el('thead', {}, el('tr', {}, el('th', { text: t('emotion.emotion') }), el('th', { text: t('emotion.motions') }), el('th', { text: t('emotion.expressions') }))));
  const tbody = el('tbody');
  for (const emotion of [...known, PERSISTENT]) {
    const motionSelect = emotion === PERSISTENT ? null : multiSelect(motions, (config.motions || {})[emotion] || [], `${emotion} ${t('emotion.motions')}`);
    const exprSelect = multiSelect(expressions, (config.expressions || {})[emotion] || [], `${emotion} ${t('emotion.expressions')}`);
    rows.push({ emotion, motionSelect, exprSelect });
    tbody.append(el('tr', {},
      el('td', { text: emotion === PERSISTENT ? `${PERSISTENT} (${t('emotion.persistent')})` : emotion }),
      el('td', {}, motionSelect ?? el('span', { class: 'hint', text: '—' })),
      el('td', {}, exprSelect)));
  }
  table.append(tbody);
  const save = el('button', { type: 'button', text: t('emotion.save') });
  save.addEventListener('click', () => {
    const body = { motions: {}, expressions: {} };
    for (const r of rows) {
      if (r.motionSelect) body.motions[r.emotion] = selected(r.motionSelect);
      body.expressions[r.emotion] = selected(r.exprSelect);
    }
    void guarded(t('emotion.saveFailed'), async () => {
      const res = ensureOk(await api.post(`/api/live2d/emotion_mapping/${enc(model)}`, body));
      toast((res && res.message) || t('common.saved'), 'ok');
    }, save);
  });
  const empty = motions.length === 0 && expressions.length === 0 ? el('p', { class: 'hint', text: t('emotion.noFiles') }) : null;
  // filter: replaceChildren() would render a null argument as the text "null".
  container.replaceChildren(...[el('p', { class: 'hint', text: t('emotion.hint') }), empty, table, el('div', { class: 'row' }, save)].filter(Boolean));
}
