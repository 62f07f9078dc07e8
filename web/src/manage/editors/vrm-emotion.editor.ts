/**
 * Which VRM expressions a VRM model shows for each emotion (GET/POST
 * /api/model/vrm/emotion_mapping/{model}): per emotion a list of expression names, tried in order.
 */
import { api, ensureOk } from '../../core/api';
import { el, enc, errorMessage, latestRequest } from '../../core/dom';
import { t } from '../../core/i18n';
import { guarded, toast } from '../../core/toast';
import { chipPicker, type ChipPicker } from './chip-picker.view';
import { EMOTIONS, emotionLabel } from './live2d-emotion.editor';

export interface VrmModelRef {
  readonly name: string;
  /** The server keeps no mapping for it (the built-in default avatar): shown, not editable. */
  readonly fixed?: boolean;
}

const editorRequest = latestRequest();

export async function renderVrmEmotionEditor(container: HTMLElement, model: VrmModelRef): Promise<void> {
  const isLatest = editorRequest();
  container.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
  let mapping: Record<string, unknown>;
  let common: string[];
  try {
    const [m, e] = await Promise.all([
      api.get<{ config?: Record<string, unknown> }>(`/api/model/vrm/emotion_mapping/${enc(model.name)}`).then(ensureOk),
      api.get<{ expressions?: string[] }>(`/api/model/vrm/expressions/${enc(model.name)}`).then(ensureOk),
    ]);
    mapping = m.config ?? {};
    common = e.expressions ?? [];
  } catch (err) {
    if (isLatest()) container.replaceChildren(el('p', { class: 'banner banner-error', text: `${t('editors.loadFailed')}: ${errorMessage(err)}` }));
    return;
  }
  if (!isLatest()) return;
  const namesOf = (emotion: string): string[] => {
    const v = mapping[emotion];
    return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  };
  const emotions = [...new Set<string>([...EMOTIONS, ...Object.keys(mapping)])];

  if (model.fixed) {
    container.replaceChildren(
      el('p', { class: 'note', text: t('editors.vrmFixed') }),
      el('dl', { class: 'vrm-fixed' }, ...emotions.flatMap((emotion) => [el('dt', { text: emotionLabel(emotion) }), el('dd', { text: namesOf(emotion).join(', ') || '—' })])),
    );
    return;
  }

  const rows: Array<{ emotion: string; picker: ChipPicker }> = emotions.map((emotion) => ({
    emotion,
    picker: chipPicker(common, namesOf(emotion), { label: `${emotionLabel(emotion)} — ${t('editors.vrmExpressions')}`, free: true }),
  }));
  const save = el('button', { type: 'button', 'data-action': 'save-mapping', text: t('editors.saveMapping') });
  save.addEventListener('click', () => {
    const body: Record<string, string[]> = {};
    for (const r of rows) {
      const names = r.picker.values();
      if (names.length > 0) body[r.emotion] = names;
    }
    void guarded(t('editors.saveFailed'), async () => {
      if (Object.keys(body).length === 0) throw new Error(t('editors.vrmEmpty'));
      ensureOk(await api.post(`/api/model/vrm/emotion_mapping/${enc(model.name)}`, body));
      toast(t('editors.mappingSaved', { name: model.name }), 'ok');
    }, save);
  });
  container.replaceChildren(
    el('p', { class: 'hint', text: t('editors.vrmHint') }),
    el(
      'table',
      { class: 'emotion-table vrm' },
      el('thead', {}, el('tr', {}, el('th', { text: t('editors.emotion') }), el('th', { text: t('editors.vrmExpressions') }))),
      el('tbody', {}, ...rows.map((r) => el('tr', { 'data-emotion': r.emotion }, el('th', { scope: 'row', text: emotionLabel(r.emotion) }), el('td', { 'data-label': t('editors.vrmExpressions') }, r.picker.element)))),
    ),
    el('div', { class: 'row' }, save),
  );
}
