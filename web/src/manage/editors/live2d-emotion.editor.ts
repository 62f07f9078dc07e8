/**
 * Which motions and expressions a Live2D model plays for each emotion, plus the 常驻 (always on)
 * expressions (GET/POST /api/live2d/emotion_mapping/{model}; files from model_files, or
 * model_files_by_id for workshop items). Used by the models page and the emotion manager.
 */
import { api, ensureOk } from '../../core/api';
import { el, enc, errorMessage, latestRequest } from '../../core/dom';
import { t, type MessageKey } from '../../core/i18n';
import { guarded, toast } from '../../core/toast';
import { chipPicker, type ChipPicker } from './chip-picker.view';

/** The emotions the emotion analysis answers (/api/emotion/analysis). */
export const EMOTIONS = ['happy', 'sad', 'angry', 'surprised', 'neutral'] as const;
/** The group of persistent expressions; it never has motions. */
const PERSISTENT = '常驻';

interface Files { motion_files?: string[]; expression_files?: string[] }
interface Mapping { config?: { motions?: Record<string, string[]>; expressions?: Record<string, string[]> } }

export interface Live2dModelRef {
  readonly name: string;
  readonly itemId?: string;
}

const fileName = (path: string): string => (path.split('/').pop() ?? path).replace(/\.(motion3|exp3)\.json$/i, '');

const EMOTION_LABELS: Record<string, MessageKey> = {
  happy: 'editors.emotion.happy',
  sad: 'editors.emotion.sad',
  angry: 'editors.emotion.angry',
  surprised: 'editors.emotion.surprised',
  neutral: 'editors.emotion.neutral',
  shy: 'editors.emotion.shy',
  relaxed: 'editors.emotion.relaxed',
};

/** The translated name of an emotion; the model's own group names (Idle, TapBody…) are shown as they are. */
export function emotionLabel(emotion: string): string {
  const key = EMOTION_LABELS[emotion];
  return key ? t(key) : emotion;
}

interface Row { readonly emotion: string; readonly motions?: ChipPicker; readonly expressions: ChipPicker }

/** One editor per page: only the latest render may fill it. */
const editorRequest = latestRequest();

export async function renderLive2dEmotionEditor(container: HTMLElement, model: Live2dModelRef): Promise<void> {
  const isLatest = editorRequest();
  container.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
  let files: Files;
  let mapping: Mapping;
  try {
    [files, mapping] = await Promise.all([
      api.get<Files>(model.itemId ? `/api/live2d/model_files_by_id/${enc(model.itemId)}` : `/api/live2d/model_files/${enc(model.name)}`).then(ensureOk),
      api.get<Mapping>(`/api/live2d/emotion_mapping/${enc(model.name)}`).then(ensureOk),
    ]);
  } catch (err) {
    if (isLatest()) container.replaceChildren(el('p', { class: 'banner banner-error', text: `${t('editors.loadFailed')}: ${errorMessage(err)}` }));
    return;
  }
  if (!isLatest()) return;
  const motions = files.motion_files ?? [];
  const expressions = files.expression_files ?? [];
  const config = mapping.config ?? {};
  const known = new Set<string>([...EMOTIONS, ...Object.keys(config.motions ?? {}), ...Object.keys(config.expressions ?? {})]);
  known.delete(PERSISTENT);

  const rows: Row[] = [...known, PERSISTENT].map((emotion) => {
    const label = emotion === PERSISTENT ? t('editors.persistent') : emotionLabel(emotion);
    return {
      emotion,
      motions: emotion === PERSISTENT ? undefined : chipPicker(motions, config.motions?.[emotion] ?? [], { label: `${label} — ${t('editors.motions')}`, show: fileName }),
      expressions: chipPicker(expressions, config.expressions?.[emotion] ?? [], { label: `${label} — ${t('editors.expressions')}`, show: fileName }),
    };
  });

  const table = el(
    'table',
    { class: 'emotion-table' },
    el('thead', {}, el('tr', {}, el('th', { text: t('editors.emotion') }), el('th', { text: t('editors.motions') }), el('th', { text: t('editors.expressions') }))),
    el('tbody', {}, ...rows.map((r) => el(
      'tr',
      { 'data-emotion': r.emotion },
      el('th', { scope: 'row' }, r.emotion === PERSISTENT
        ? el('span', {}, t('editors.persistent'), el('span', { class: 'hint block', text: t('editors.persistentHint') }))
        : emotionLabel(r.emotion)),
      el('td', { 'data-label': t('editors.motions') }, r.motions?.element ?? el('span', { class: 'hint', text: '—' })),
      el('td', { 'data-label': t('editors.expressions') }, r.expressions.element),
    ))),
  );

  const save = el('button', { type: 'button', 'data-action': 'save-mapping', text: t('editors.saveMapping') });
  save.addEventListener('click', () => {
    const body: { motions: Record<string, string[]>; expressions: Record<string, string[]> } = { motions: {}, expressions: {} };
    for (const r of rows) {
      if (r.motions) body.motions[r.emotion] = r.motions.values();
      body.expressions[r.emotion] = r.expressions.values();
    }
    void guarded(t('editors.saveFailed'), async () => {
      ensureOk(await api.post(`/api/live2d/emotion_mapping/${enc(model.name)}`, body));
      toast(t('editors.mappingSaved', { name: model.name }), 'ok');
    }, save);
  });

  const empty = motions.length === 0 && expressions.length === 0;
  container.replaceChildren(
    el('p', { class: 'hint', text: t('editors.live2dHint') }),
    ...(empty ? [el('p', { class: 'note', text: t('editors.noFiles') })] : [table, el('div', { class: 'row' }, save)]),
  );
}
