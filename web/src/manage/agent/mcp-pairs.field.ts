/**
 * Name → value rows (environment variables, HTTP headers). Values are masked like passwords
 * (they often hold keys) until "Show" is pressed.
 */
import { el } from '../../core/dom';
import { t, type MessageKey } from '../../core/i18n';

const MAX_PAIRS = 32;

export class PairsField {
  readonly root: HTMLElement;
  private readonly rows = el('div', { class: 'pairs-rows' });
  private readonly error = el('p', { class: 'field-error', hidden: true });
  private revealed = false;
  private readonly reveal = el('button', { type: 'button', class: 'ghost small', 'aria-pressed': 'false', text: t('agent.mcp.show'), onclick: () => this.toggleReveal() });
  private readonly secretHint = el('span', { class: 'hint', text: t('agent.mcp.secretHint') });

  constructor(
    private readonly label: MessageKey,
    values: Readonly<Record<string, string>> = {},
    private readonly onInput: () => void,
  ) {
    const add = el('button', { type: 'button', class: 'ghost small', text: `+ ${t('agent.mcp.addPair')}`, onclick: () => this.addRow('', '', true) });
    this.root = el(
      'fieldset',
      { class: 'pairs-field' },
      el('legend', { text: t(label) }),
      this.rows,
      el('div', { class: 'pairs-foot' }, add, this.reveal, this.secretHint),
      this.error,
    );
    for (const [k, v] of Object.entries(values)) this.addRow(k, v, false);
    this.showReveal();
  }

  /** "Show" and its hint only mean something when there are values. */
  private showReveal(): void {
    const any = this.rows.querySelector('.pair-row') !== null;
    this.reveal.hidden = !any;
    this.secretHint.hidden = !any;
  }

  /** The rows as an object; rows with neither name nor value are ignored. */
  value(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.pairs()) if (k !== '' || v !== '') out[k] = v;
    return out;
  }

  /** A message when a row has no name, or there are too many; undefined when fine. */
  validate(): string | undefined {
    const pairs = this.pairs().filter(([k, v]) => k !== '' || v !== '');
    let problem: string | undefined;
    if (pairs.length > MAX_PAIRS) problem = t('agent.mcp.bad.tooMany');
    const nameless = pairs.findIndex(([k]) => k === '');
    if (nameless >= 0) problem = t('agent.mcp.bad.pairs', { line: nameless + 1 });
    this.error.hidden = problem === undefined;
    this.error.textContent = problem ?? '';
    return problem;
  }

  private pairs(): [string, string][] {
    return Array.from(this.rows.querySelectorAll('.pair-row')).map((row) => {
      const [k, v] = Array.from(row.querySelectorAll('input'));
      return [k?.value.trim() ?? '', v?.value ?? ''];
    });
  }

  private addRow(key: string, value: string, focus: boolean): void {
    const name = el('input', { type: 'text', class: 'pair-key', value: key, maxlength: 256, autocomplete: 'off', spellcheck: 'false', 'aria-label': `${t(this.label)}: ${t('agent.mcp.name')}` });
    const val = el('input', { type: this.revealed ? 'text' : 'password', class: 'pair-value', value, maxlength: 4096, autocomplete: 'off', spellcheck: 'false', 'aria-label': t(this.label) });
    const row = el(
      'div',
      { class: 'pair-row' },
      name,
      val,
      el('button', { type: 'button', class: 'ghost icon', text: '✕', 'aria-label': t('agent.mcp.remove'), onclick: () => {
        row.remove();
        this.showReveal();
        this.onInput();
      } }),
    );
    row.addEventListener('input', () => this.onInput());
    this.rows.append(row);
    this.showReveal();
    if (focus) name.focus();
  }

  private toggleReveal(): void {
    this.revealed = !this.revealed;
    this.reveal.textContent = t(this.revealed ? 'agent.mcp.hide' : 'agent.mcp.show');
    this.reveal.setAttribute('aria-pressed', String(this.revealed));
    for (const input of Array.from(this.rows.querySelectorAll<HTMLInputElement>('.pair-value'))) input.type = this.revealed ? 'text' : 'password';
  }
}
