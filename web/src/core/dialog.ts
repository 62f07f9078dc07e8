/**
 * Modal confirm and prompt dialogs on <dialog> (never window.confirm: they can be styled,
 * translated, and driven by browser tests). The confirm button has data-action="confirm".
 */
import { el } from './dom';
import { t } from './i18n';

export interface ConfirmOptions {
  readonly okText?: string;
  /** Red confirm button (deleting, forgetting). */
  readonly danger?: boolean;
  readonly title?: string;
}

function open<T>(build: (dialog: HTMLDialogElement, done: (value: T) => void) => HTMLElement, cancelled: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const dialog = el('dialog', { class: 'modal' });
    let settled = false;
    const done = (value: T) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.append(build(dialog, done));
    dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      done(cancelled);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function confirmDialog(message: string, options: ConfirmOptions = {}): Promise<boolean> {
  return open<boolean>((_dialog, done) => {
    const ok = el('button', { type: 'button', class: options.danger ? 'danger' : '', 'data-action': 'confirm', text: options.okText ?? t('common.ok'), onclick: () => done(true) });
    const form = el(
      'div',
      { class: 'modal-body' },
      options.title ? el('h2', { text: options.title }) : null,
      el('p', { text: message }),
      el('div', { class: 'modal-actions' }, el('button', { type: 'button', class: 'secondary', 'data-action': 'cancel', text: t('common.cancel'), onclick: () => done(false) }), ok),
    );
    queueMicrotask(() => ok.focus());
    return form;
  }, false);
}

/** Asks for a line of text; answers undefined when cancelled. */
export function promptDialog(message: string, initial = '', options: { maxLength?: number; okText?: string } = {}): Promise<string | undefined> {
  return open<string | undefined>((_dialog, done) => {
    const input = el('input', { type: 'text', value: initial, maxlength: options.maxLength ?? 200, 'aria-label': message });
    const form = el(
      'form',
      { class: 'modal-body', method: 'dialog' },
      el('label', {}, el('span', { text: message }), input),
      el(
        'div',
        { class: 'modal-actions' },
        el('button', { type: 'button', class: 'secondary', 'data-action': 'cancel', text: t('common.cancel'), onclick: () => done(undefined) }),
        el('button', { type: 'submit', 'data-action': 'confirm', text: options.okText ?? t('common.ok') }),
      ),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      done(input.value);
    });
    queueMicrotask(() => {
      input.focus();
      input.select();
    });
    return form;
  }, undefined);
}
