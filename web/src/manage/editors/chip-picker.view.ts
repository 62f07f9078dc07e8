/**
 * A small multi-value picker: the chosen values as removable chips and an "add" control (a
 * dropdown of the remaining options, or a text box with suggestions when any value is allowed).
 * Friendlier than a Ctrl-click <select multiple>, and usable on a phone.
 */
import { el } from '../../core/dom';
import { t } from '../../core/i18n';

export interface ChipPicker {
  readonly element: HTMLElement;
  values(): string[];
}

export interface ChipPickerOptions {
  /** Accessible name of the picker, e.g. "happy — expressions". */
  readonly label: string;
  /** Any text may be added (VRM expression names); otherwise only `options`. */
  readonly free?: boolean;
  /** How an option is shown (e.g. the file name without its folder). */
  readonly show?: (value: string) => string;
}

let nextListId = 0;

export function chipPicker(options: readonly string[], chosen: readonly string[], opts: ChipPickerOptions): ChipPicker {
  const show = opts.show ?? ((v: string) => v);
  const values = [...new Set(chosen)];
  const chips = el('span', { class: 'chips' });
  const root = el('div', { class: 'chip-picker', role: 'group', 'aria-label': opts.label }, chips);

  const add = (value: string) => {
    const v = value.trim();
    if (v === '' || values.includes(v)) return;
    values.push(v);
    render();
  };

  let control: HTMLElement;
  let refreshControl: () => void;
  if (opts.free) {
    const listId = `chip-options-${++nextListId}`;
    const input = el('input', { type: 'text', list: listId, maxlength: 100, placeholder: t('editors.addPlaceholder'), 'aria-label': `${opts.label}: ${t('editors.add')}` });
    const datalist = el('datalist', { id: listId });
    const addButton = el('button', { type: 'button', class: 'small secondary', text: t('editors.add'), onclick: () => { add(input.value); input.value = ''; input.focus(); } });
    input.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      add(input.value);
      input.value = '';
    });
    refreshControl = () => datalist.replaceChildren(...options.filter((o) => !values.includes(o)).map((o) => el('option', { value: o })));
    control = el('span', { class: 'chip-add' }, input, datalist, addButton);
  } else {
    const select = el('select', { class: 'chip-select', 'aria-label': `${opts.label}: ${t('editors.add')}` });
    select.addEventListener('change', () => add(select.value));
    refreshControl = () => {
      const rest = options.filter((o) => !values.includes(o));
      select.replaceChildren(el('option', { value: '', text: rest.length === 0 ? t('editors.allAdded') : t('editors.addOption') }), ...rest.map((o) => el('option', { value: o, text: show(o), title: o })));
      select.value = '';
      select.disabled = rest.length === 0;
    };
    control = select;
  }
  root.append(control);

  function render(): void {
    chips.replaceChildren(
      ...values.map((v) => {
        const missing = !opts.free && !options.includes(v);
        return el(
          'span',
          { class: `chip${missing ? ' missing' : ''}`, title: missing ? `${v} (${t('editors.missingFile')})` : v },
          el('span', { text: show(v) }),
          el('button', { type: 'button', class: 'chip-remove', 'aria-label': `${t('common.remove')} ${show(v)}`, text: '×', onclick: () => { values.splice(values.indexOf(v), 1); render(); } }),
        );
      }),
    );
    if (values.length === 0) chips.append(el('span', { class: 'chip-none', text: t('common.none') }));
    refreshControl();
  }
  render();
  return { element: root, values: () => [...values] };
}
