/** Short messages in the corner of the page; errors stay longer. */
import { el, errorMessage } from './dom';

export type ToastKind = 'info' | 'ok' | 'warn' | 'error';

export function toast(message: string, kind: ToastKind = 'info', ms = kind === 'error' ? 9000 : 4000): void {
  let box = document.getElementById('toasts');
  if (!box) {
    box = el('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const item = el('div', { class: `toast ${kind}` }, el('span', { text: message }));
  item.append(el('button', { type: 'button', class: 'toast-close', 'aria-label': '×', text: '×', onclick: () => item.remove() }));
  box.append(item);
  setTimeout(() => item.remove(), ms);
}

/** Reports a failed action in plain words, e.g. "Could not save the character: 猫娘不存在". */
export function showError(context: string, err: unknown): void {
  toast(`${context}: ${errorMessage(err)}`, 'error');
  console.warn(context, err);
}

/** Runs an async UI action, disabling the button meanwhile and reporting any error. */
export async function guarded<T>(context: string, action: () => Promise<T>, button?: HTMLButtonElement | null): Promise<T | undefined> {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (err) {
    showError(context, err);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** Replaces a container's children with a friendly "could not load" line. */
export function showLoadError(container: Element, context: string, err: unknown): void {
  container.replaceChildren(el('p', { class: 'banner banner-error', text: `${context}: ${errorMessage(err)}` }));
}
