// Shared helpers of every N.E.K.O. page: API calls with plain-words errors, toasts, tiny DOM
// builders, the language switch and the unload beacon. Plain ES module, no build step.
import { applyTranslations, currentLanguage, setLanguage, t } from './i18n.js';

export { t };

/** An API call that failed, with a message fit to show to the user. */
export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export const enc = encodeURIComponent;
export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** Creates an element; text children are text nodes (never HTML), so names cannot inject markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'value') node.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled') node[key] = Boolean(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function errorText(body, status) {
  if (body && typeof body === 'object') {
    const detail = Array.isArray(body.detail) ? body.detail.map((d) => d.msg || JSON.stringify(d)).join('; ') : body.detail;
    const text = body.error || body.message || detail;
    if (text) return String(text);
  }
  if (typeof body === 'string' && body.trim() !== '') return body.slice(0, 300);
  return t('error.http', { status });
}

async function request(method, path, { json, form, query, timeoutMs = 30000 } = {}) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    if ([...qs].length > 0) url += `?${qs}`;
  }
  const init = { method, headers: {}, signal: AbortSignal.timeout(timeoutMs) };
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (err) {
    const timedOut = err && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new ApiError(timedOut ? t('error.timeout') : t('error.network'), 0, undefined);
  }
  const text = await res.text();
  let body = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  if (!res.ok) throw new ApiError(errorText(body, res.status), res.status, body);
  return body;
}

/** JSON API calls. Each answers the parsed body or throws an ApiError with a readable message. */
export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, json, options) => request('POST', path, { ...options, json: json ?? {} }),
  put: (path, json, options) => request('PUT', path, { ...options, json: json ?? {} }),
  del: (path, options) => request('DELETE', path, options),
  upload: (path, form, options) => request('POST', path, { timeoutMs: 300000, ...options, form }),
  /** Fire-and-forget POST that survives the page unloading (navigator.sendBeacon). */
  beacon: (path, payload) => {
    const body = JSON.stringify(payload);
    if (navigator.sendBeacon && navigator.sendBeacon(path, body)) return;
    fetch(path, { method: 'POST', body, headers: { 'content-type': 'application/json' }, keepalive: true }).catch(() => undefined);
  },
};

/** Many endpoints answer HTTP 200 with {success: false, error}: turn that into an ApiError too. */
export function ensureOk(body) {
  if (body && typeof body === 'object' && body.success === false) throw new ApiError(errorText(body, 200), 200, body);
  return body;
}

/** Shows a short message in the corner; errors stay longer. */
export function toast(message, kind = 'info') {
  const box = $('#toasts');
  if (!box) return;
  const item = el('div', { class: `toast ${kind}`, text: message });
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 9000 : 4000);
}

/** Reports a failed action in plain words, e.g. "Could not save the character: 猫娘不存在". */
export function showError(context, err) {
  const message = err instanceof Error ? err.message : String(err);
  toast(`${context}: ${message}`, 'error');
  console.warn(context, err);
}

/** Runs an async UI action, disabling the button meanwhile and reporting any error. */
export async function guarded(context, action, button) {
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

/**
 * Guards a view that reloads on the user's choice (another file, another model): each call of the
 * returned function starts a request and answers a check that stays true only until the next
 * call, so an older, slower answer never renders — and then gets saved — over the newer one.
 */
export function latestRequest() {
  let current = 0;
  return () => {
    const mine = ++current;
    return () => mine === current;
  };
}

/** Replaces an element's children with a friendly "could not load" line. */
export function showLoadError(container, context, err) {
  container.replaceChildren(el('p', { class: 'banner banner-error', text: `${context}: ${err instanceof Error ? err.message : String(err)}` }));
}

/** Data the server rendered into <body> (character names), already HTML-unescaped by the browser. */
export function pageData() {
  const d = document.body.dataset;
  const params = new URLSearchParams(location.search);
  return {
    lanlanName: params.get('lanlan_name') || d.lanlanName || '',
    currentName: d.currentName || '',
    masterName: d.masterName || '',
  };
}

let leavingInternally = false;

/** Marks the coming unload as our own navigation/reload (no shutdown beacon). */
export function leavingPage() {
  leavingInternally = true;
}

/** Common set-up: translations, language switch, unload beacon. Call once per page. */
export function initPage() {
  if (new URLSearchParams(location.search).has('lang')) setLanguage(currentLanguage()); // remember ?lang=
  applyTranslations(document);
  const select = $('#lang-select');
  if (select) {
    select.value = currentLanguage();
    select.addEventListener('change', () => {
      setLanguage(select.value);
      applyTranslations(document);
      document.dispatchEvent(new CustomEvent('neko:language'));
    });
  }
  // Like the original pages, tell the server the window is closing (a no-op unless the server
  // runs in browser mode). Moving between our own pages is not closing the app, so links to
  // this site do not send it (the original opened its pages in separate windows).
  document.addEventListener('click', (ev) => {
    const link = ev.target instanceof Element ? ev.target.closest('a[href]') : null;
    if (link && link.origin === location.origin) leavingPage();
  });
  window.addEventListener('pagehide', () => {
    if (!leavingInternally) api.beacon('/api/beacon/shutdown', { timestamp: Date.now(), action: 'shutdown' });
  });
}

/** Fills a <select> with options [{value, label}] keeping the selection when possible. */
export function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map((o) => el('option', { value: o.value, text: o.label ?? o.value })));
  if (selected !== undefined && options.some((o) => o.value === selected)) select.value = selected;
}
