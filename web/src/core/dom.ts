/** Tiny DOM helpers shared by every page. Text is always set as text, never as HTML. */

export const enc = encodeURIComponent;

export function $<E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E | null {
  return root.querySelector<E>(selector);
}

export function $$<E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E[] {
  return Array.from(root.querySelectorAll<E>(selector));
}

/** Like `$` but throws when the page lacks the element (a template and its script disagree). */
export function must<E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E {
  const found = root.querySelector<E>(selector);
  if (!found) throw new Error(`the page has no ${selector}`);
  return found;
}

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * Creates an element. `class`, `text` and `value` are set as properties, `on<event>` functions
 * become listeners, booleans toggle attributes; children that are strings become text nodes.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = String(value);
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'value') (node as unknown as HTMLInputElement).value = String(value);
    else if (key === 'checked' || key === 'selected' || key === 'disabled') (node as unknown as Record<string, boolean>)[key] = Boolean(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Calls `fn` once the calls stop for `ms` (search as you type). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Guards a view that reloads on the user's choice: each call starts a request and answers a check
 * that stays true only until the next call, so an older, slower answer never renders over a newer one.
 */
export function latestRequest(): () => () => boolean {
  let current = 0;
  return () => {
    const mine = ++current;
    return () => mine === current;
  };
}

/** Fills a <select> keeping the selection when it still exists. */
export function fillSelect(select: HTMLSelectElement, options: readonly { value: string; label?: string }[], selected?: string): void {
  select.replaceChildren(...options.map((o) => el('option', { value: o.value, text: o.label ?? o.value })));
  if (selected !== undefined && options.some((o) => o.value === selected)) select.value = selected;
}

/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
