/**
 * The face editor (/live2d_parameter_editor?model=): sliders for the parameters of a Live2D model's
 * .cdi3.json, saved as the model's parameters.json; an open companion page re-applies them.
 */
import { api, ApiError, ensureOk } from '../core/api';
import { el, enc, latestRequest, must } from '../core/dom';
import { onLanguageChange, t } from '../core/i18n';
import { bootPage } from '../core/page';
import { postPageMessage } from '../core/page-bus';
import { guarded, showLoadError, toast } from '../core/toast';
import { loadModelPicker, rememberModel } from '../manage/editors/pickers.request';
import { filterRows, parameterGroups, tickedValues, type ParameterDef } from '../manage/editors/parameter-rows.view';

interface Definitions { parameters?: ParameterDef[]; parameter_groups?: Record<string, { name?: string }> }

bootPage(async () => {
  const select = must<HTMLSelectElement>('#model-select');
  const list = must('#param-list');
  const save = must<HTMLButtonElement>('#param-save');
  const filter = must<HTMLInputElement>('#param-filter');
  const count = must('#param-count');
  const actions = must('.param-actions');
  const modelRequest = latestRequest();
  let model = '';
  save.disabled = true;
  actions.hidden = filter.hidden = true;

  const updateCount = () => {
    count.textContent = list.querySelector('.param-row') ? t('editors.params.ticked', { count: Object.keys(tickedValues(list)).length }) : '';
  };

  const open = async (name: string) => {
    model = name;
    const isLatest = modelRequest();
    // Saving without the sliders would replace the model's parameters.json with {}.
    save.disabled = true;
    list.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
    try {
      const [defs, saved] = await Promise.all([
        api.get<Definitions>(`/api/live2d/model_parameters/${enc(name)}`).then(ensureOk),
        api.get<{ parameters?: Record<string, number> }>(`/api/live2d/load_model_parameters/${enc(name)}`).catch(() => ({ parameters: {} })),
      ]);
      if (!isLatest()) return;
      const groupNames = Object.fromEntries(Object.entries(defs.parameter_groups ?? {}).map(([id, g]) => [id, typeof g.name === 'string' ? g.name : id]));
      const groups = parameterGroups(defs.parameters ?? [], groupNames, saved.parameters ?? {}, updateCount);
      if (groups.length === 0) {
        list.replaceChildren(el('p', { class: 'note', text: t('editors.params.none') }));
        return;
      }
      list.replaceChildren(...groups);
      filterRows(list, filter.value);
      save.disabled = false;
    } catch (err) {
      if (!isLatest()) return;
      // A model without a .cdi3.json answers {success:false} (HTTP 200): that is not a failure.
      if (err instanceof ApiError && err.status === 200 && err.message.includes('.cdi3.json')) list.replaceChildren(el('p', { class: 'note', text: t('editors.params.none') }));
      else showLoadError(list, t('editors.params.loadFailed'), err);
    } finally {
      if (isLatest()) {
        updateCount();
        actions.hidden = filter.hidden = !list.querySelector('.param-row');
      }
    }
  };

  select.addEventListener('change', () => {
    rememberModel(select.value);
    void open(select.value);
  });
  const applyFilter = () => {
    if (filterRows(list, filter.value) === 0 && list.querySelector('.param-row')) count.textContent = t('editors.params.noMatch');
    else updateCount();
  };
  filter.addEventListener('input', applyFilter);
  onLanguageChange(applyFilter);
  must('#param-reset').addEventListener('click', () => {
    for (const box of list.querySelectorAll<HTMLInputElement>('.param-on')) box.checked = false;
    updateCount();
  });
  must<HTMLFormElement>('#param-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = model;
    const parameters = tickedValues(list);
    void guarded(t('editors.params.saveFailed'), async () => {
      ensureOk(await api.post(`/api/live2d/save_model_parameters/${enc(name)}`, { parameters }));
      // The companion page re-applies the parameters (same message as the original pages).
      postPageMessage('reload_model_parameters', { model: name });
      toast(t('editors.params.saved', { name }), 'ok');
    }, save);
  });

  const picked = await loadModelPicker(select, list, must('#load-error'));
  if (picked?.chosen) await open(picked.chosen.name);
});
