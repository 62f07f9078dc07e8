/**
 * The face editor's rows: one slider per Live2D parameter of the model's .cdi3.json, grouped as
 * the model groups them. A ticked row is saved; an unticked one keeps the model's own animation.
 */
import { $$, el } from '../../core/dom';
import { t } from '../../core/i18n';

export interface ParameterDef { readonly id: string; readonly name: string; readonly groupId: string }

/** .cdi3.json carries no ranges: Cubism's usual ranges by parameter kind. */
function rangeOf(id: string): [min: number, max: number, step: number] {
  if (/BodyAngle/i.test(id)) return [-10, 10, 0.1];
  if (/Angle/i.test(id)) return [-30, 30, 0.1];
  if (/EyeOpen|MouthOpen|Cheek|Breath|Smile/i.test(id)) return [0, 1, 0.01];
  return [-1, 1, 0.01];
}

function row(p: ParameterDef, value: number | undefined, onChange: () => void): HTMLElement {
  const [min, max, step] = rangeOf(p.id);
  const start = value ?? 0;
  const label = p.name === p.id ? p.id : p.name;
  const enabled = el('input', { type: 'checkbox', class: 'param-on', checked: value !== undefined, 'aria-label': t('editors.params.keep', { name: label }) });
  const slider = el('input', { type: 'range', min, max, step, value: start, 'aria-label': label });
  const number = el('input', { type: 'number', class: 'param-value', min, max, step, value: start, 'aria-label': t('editors.params.value', { name: label }) });
  const touched = () => {
    enabled.checked = true;
    onChange();
  };
  slider.addEventListener('input', () => {
    number.value = slider.value;
    touched();
  });
  number.addEventListener('input', () => {
    slider.value = number.value;
    touched();
  });
  enabled.addEventListener('change', onChange);
  return el(
    'div',
    { class: 'param-row', 'data-id': p.id, 'data-search': `${p.name} ${p.id}`.toLowerCase() },
    enabled,
    el('span', { class: 'param-name' }, el('span', { text: label }), p.name === p.id ? null : el('span', { class: 'param-id', text: p.id })),
    slider,
    number,
  );
}

/** Fieldsets of rows, one per parameter group (groups in the model's order, ungrouped last). */
export function parameterGroups(defs: readonly ParameterDef[], groupNames: Record<string, string>, saved: Record<string, number>, onChange: () => void): HTMLElement[] {
  const byGroup = new Map<string, ParameterDef[]>();
  for (const p of defs) byGroup.set(p.groupId, [...(byGroup.get(p.groupId) ?? []), p]);
  return [...byGroup].map(([group, params]) => el(
    'fieldset',
    { class: 'param-group' },
    el('legend', { text: groupNames[group] || group || t('editors.params.ungrouped') }),
    ...params.map((p) => row(p, saved[p.id], onChange)),
  ));
}

/** The ticked rows' values, parameter id → number. */
export function tickedValues(root: ParentNode): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of $$('.param-row', root)) {
    if (!r.querySelector<HTMLInputElement>('.param-on')?.checked) continue;
    const v = Number(r.querySelector<HTMLInputElement>('.param-value')?.value);
    if (r.dataset.id && Number.isFinite(v)) out[r.dataset.id] = v;
  }
  return out;
}

/** Hides the rows (and emptied groups) that do not match the filter text. */
export function filterRows(root: ParentNode, query: string): number {
  const q = query.trim().toLowerCase();
  let shown = 0;
  for (const r of $$('.param-row', root)) {
    r.hidden = q !== '' && !(r.dataset.search ?? '').includes(q);
    if (!r.hidden) shown++;
  }
  for (const g of $$('.param-group', root)) g.hidden = $$('.param-row', g).every((r) => r.hidden);
  return shown;
}
