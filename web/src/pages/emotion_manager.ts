/**
 * The emotion manager (/live2d_emotion_manager?model=): which motions and expressions a Live2D
 * model plays for each emotion, and its 常驻 (always on) expressions.
 */
import { api, ensureOk } from '../core/api';
import { enc, errorMessage, latestRequest, must } from '../core/dom';
import { onLanguageChange, t } from '../core/i18n';
import { bootPage } from '../core/page';
import { renderLive2dEmotionEditor } from '../manage/editors/live2d-emotion.editor';
import { loadModelPicker, rememberModel, type Live2dModel } from '../manage/editors/pickers.request';

interface ModelConfig { config?: { FileReferences?: { Motions?: Record<string, unknown>; Expressions?: unknown[] } } }

bootPage(async () => {
  const select = must<HTMLSelectElement>('#model-select');
  const editor = must('#emotion-editor');
  const info = must('#model-info');
  const infoRequest = latestRequest();
  let models: Live2dModel[] = [];
  let current: Live2dModel | undefined;

  /** How many motion groups and expressions the model file lists, as a line under the picker. */
  const describe = async (model: Live2dModel) => {
    const isLatest = infoRequest();
    info.textContent = '';
    try {
      const res = ensureOk(await api.get<ModelConfig>(`/api/live2d/model_config/${enc(model.name)}`));
      const refs = res.config?.FileReferences ?? {};
      if (isLatest()) info.textContent = t('editors.modelInfo', { groups: Object.keys(refs.Motions ?? {}).length, expressions: (refs.Expressions ?? []).length });
    } catch (err) {
      if (isLatest()) info.textContent = `${t('editors.loadFailed')}: ${errorMessage(err)}`;
    }
  };

  const open = (model: Live2dModel) => {
    current = model;
    void describe(model);
    void renderLive2dEmotionEditor(editor, { name: model.name, ...(model.item_id ? { itemId: model.item_id } : {}) });
  };

  select.addEventListener('change', () => {
    const model = models.find((m) => m.name === select.value);
    if (!model) return;
    rememberModel(model.name);
    open(model);
  });
  // only the info line: re-building the editor would drop the mapping the user is editing
  onLanguageChange(() => {
    if (current) void describe(current);
  });

  const picked = await loadModelPicker(select, editor, must('#load-error'));
  if (!picked) return;
  models = picked.models;
  if (picked.chosen) open(picked.chosen);
});
