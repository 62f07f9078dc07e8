/** Free-form key/value rows of a profile (性别, 昵称, 口头禅 …): add, edit, remove. */
import { el } from '../../core/dom';
import { t } from '../../core/i18n';

/** One row; the value grows with its text so long descriptions stay readable. */
function fieldRow(key = '', value = ''): HTMLElement {
  const keyInput = el('input', { type: 'text', class: 'kv-key', value: key, maxlength: 100, placeholder: t('chara.fieldKey'), 'aria-label': t('chara.fieldKey') });
  const valueInput = el('textarea', { class: 'kv-value', rows: 1, maxlength: 10_000, placeholder: t('chara.fieldValue'), 'aria-label': t('chara.fieldValue') });
  valueInput.value = value;
  const fit = () => {
    valueInput.style.height = 'auto';
    valueInput.style.height = `${Math.min(valueInput.scrollHeight + 2, 240)}px`;
  };
  valueInput.addEventListener('input', fit);
  requestAnimationFrame(fit);
  const row = el('div', { class: 'kv-row' }, keyInput, valueInput);
  row.append(
    el('button', {
      type: 'button',
      class: 'ghost small kv-remove',
      text: '✕',
      title: t('chara.removeField'),
      'aria-label': t('chara.removeField'),
      onclick: () => {
        // Keep the keyboard user inside the form after the row disappears.
        const next = row.nextElementSibling?.querySelector('input') ?? row.parentElement?.closest('form')?.querySelector<HTMLElement>('.kv-add');
        row.remove();
        next?.focus();
      },
    }),
  );
  return row;
}

/** Fills `box` with rows for the fields; `suggest` adds empty rows with these keys (a new profile). */
export function fillRows(box: HTMLElement, fields: readonly [string, string][], suggest: readonly string[] = []): void {
  box.replaceChildren(...fields.map(([k, v]) => fieldRow(k, v)), ...suggest.map((k) => fieldRow(k, '')));
}

export function addRow(box: HTMLElement): void {
  const row = fieldRow();
  box.append(row);
  row.querySelector('input')?.focus();
}

/** The [key, value] pairs the rows hold. */
export function readRows(box: HTMLElement): [string, string][] {
  return Array.from(box.querySelectorAll('.kv-row'), (row) => [
    row.querySelector<HTMLInputElement>('.kv-key')?.value ?? '',
    row.querySelector<HTMLTextAreaElement>('.kv-value')?.value ?? '',
  ]);
}
