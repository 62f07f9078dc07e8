/**
 * Key inputs: typed keys hidden behind an eye button, a saved key shown only by its masked form
 * (the server sends "************abcd"). An untouched field keeps the saved key: the masked value
 * is sent back and the server recognises it. "Forget" clears a saved key on the next save.
 */
import { el } from '../../core/dom';
import { t } from '../../core/i18n';

export class SecretField {
  /** The masked key the server has ('' = none saved). */
  private saved = '';
  private forget = false;
  private readonly eye: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly forgetButton: HTMLButtonElement;

  constructor(readonly input: HTMLInputElement) {
    this.eye = el('button', { type: 'button', class: 'ghost small secret-eye', 'aria-pressed': 'false', onclick: () => this.toggle() });
    this.forgetButton = el('button', { type: 'button', class: 'ghost small secret-forget', hidden: true, onclick: () => this.setForget(!this.forget) });
    this.status = el('p', { class: 'hint secret-status' });
    input.after(this.eye);
    input.closest('.secret')?.after(el('div', { class: 'secret-meta' }, this.status, this.forgetButton));
    input.addEventListener('input', () => this.retranslate());
    this.retranslate();
  }

  /** Shows what the server holds; the input itself stays empty (typing replaces the key). */
  load(masked: string): void {
    this.saved = masked;
    this.forget = false;
    this.input.value = '';
    this.retranslate();
  }

  /** What to save: the typed key, else the saved (masked) one unless forgotten, else ''. */
  value(): string {
    const typed = this.input.value.trim();
    if (typed) return typed;
    return this.forget ? '' : this.saved;
  }

  /** The key to test with: only a typed one (undefined = let the server use the saved key). */
  typed(): string | undefined {
    const typed = this.input.value.trim();
    return typed || undefined;
  }

  /** True when saving would change the stored key. */
  changed(): boolean {
    return this.input.value.trim() !== '' || (this.forget && this.saved !== '');
  }

  retranslate(): void {
    const shown = this.input.type === 'text';
    this.eye.textContent = shown ? t('api.hideKey') : t('api.showKey');
    this.eye.setAttribute('aria-pressed', String(shown));
    this.eye.setAttribute('aria-label', shown ? t('api.hideKey') : t('api.showKey'));
    const tail = this.saved.replace(/^\*+/, '');
    const masked = this.saved === '' ? '' : this.saved.startsWith('*') ? `••••${tail}` : this.saved;
    this.input.placeholder = this.saved && !this.forget ? t('api.savedPlaceholder', { key: masked }) : t('api.keyPlaceholder');
    const typing = this.input.value.trim() !== '';
    this.status.textContent = typing && this.saved ? t('api.replacesSaved') : this.forget ? t('api.willForget') : this.saved ? t('api.savedKey', { key: masked }) : t('api.noKey');
    this.forgetButton.hidden = this.saved === '' || typing;
    this.forgetButton.textContent = this.forget ? t('api.keepKey') : t('api.forgetKey');
  }

  private toggle(): void {
    this.input.type = this.input.type === 'password' ? 'text' : 'password';
    this.retranslate();
  }

  private setForget(forget: boolean): void {
    this.forget = forget;
    this.retranslate();
  }
}
