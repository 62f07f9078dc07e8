/**
 * What the model sees of a page: URL, title, a text excerpt and the interactive elements, each with
 * an index written into the DOM (`data-neko-index`) so "click 3" finds the same element again.
 * The in-page part is plain JavaScript in a string: it runs in Chromium, not in Node (and this
 * project compiles without the DOM typings).
 */
import type { Page } from 'puppeteer-core';
import { boundText } from '../agent-channel.port';

export const INDEX_ATTRIBUTE = 'data-neko-index';

export interface SnapshotLimits {
  readonly maxElements: number;
  readonly textChars: number;
  readonly totalChars: number;
}

export const SNAPSHOT_LIMITS: SnapshotLimits = { maxElements: 150, textChars: 3000, totalChars: 8000 };

export interface SnapshotElement {
  readonly index: number;
  /** link, button, input, checkbox, radio, select, textarea, editable or the ARIA role. */
  readonly kind: string;
  readonly type?: string;
  readonly name?: string;
  readonly label?: string;
  readonly placeholder?: string;
  readonly value?: string;
  readonly href?: string;
  readonly checked?: boolean;
  readonly disabled?: boolean;
  readonly options?: readonly string[];
}

export interface PageSnapshot {
  readonly url: string;
  readonly title: string;
  readonly text: string;
  readonly elements: readonly SnapshotElement[];
  /** Interactive elements left out by the limit. */
  readonly omitted: number;
  /** Vertical scroll position in percent, and the page height in viewports. */
  readonly scrollPercent: number;
  readonly screens: number;
}

// Runs in the page. Indices already assigned are kept; new elements get the next free number.
const IN_PAGE_SNAPSHOT = `(function (opts) {
  var ATTR = ${JSON.stringify(INDEX_ATTRIBUTE)};
  var w = window;
  if (typeof w.__nekoNextIndex !== 'number') w.__nekoNextIndex = 1;
  function clean(s, max) {
    s = String(s == null ? '' : s).replace(/\\s+/g, ' ').trim();
    return s.length > max ? s.slice(0, max - 1) + '\\u2026' : s;
  }
  function visible(el, r) {
    if (r.width <= 0 && r.height <= 0) return false;
    var st = getComputedStyle(el);
    return st.visibility !== 'hidden' && st.display !== 'none';
  }
  function labelOf(el) {
    var t = '';
    if (el.labels && el.labels.length) t = el.labels[0].innerText;
    if (!t) t = el.getAttribute('aria-label') || '';
    var ids = el.getAttribute('aria-labelledby');
    if (!t && ids) t = ids.split(/\\s+/).map(function (id) { var n = document.getElementById(id); return n ? n.innerText : ''; }).join(' ');
    if (!t) t = el.getAttribute('title') || '';
    return clean(t, 80);
  }
  function textOf(el) {
    var t = el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('title') || '';
    if (!t) { var img = el.querySelector && el.querySelector('img[alt]'); if (img) t = img.getAttribute('alt'); }
    return clean(t, 80);
  }
  var sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [contenteditable=""], [contenteditable=true], '
    + '[role=button], [role=link], [role=checkbox], [role=radio], [role=tab], [role=menuitem], [role=option], [role=switch], [onclick]';
  var all = [];
  var nodes = document.querySelectorAll(sel);
  for (var i = 0; i < nodes.length; i++) {
    var r = nodes[i].getBoundingClientRect();
    if (visible(nodes[i], r)) all.push({ el: nodes[i], bottom: r.bottom });
  }
  // Too many: drop what is above the viewport first (the model scrolled past it).
  if (all.length > opts.maxElements) {
    var below = all.filter(function (c) { return c.bottom >= 0; });
    if (below.length >= opts.maxElements) all = below;
  }
  var omitted = Math.max(0, all.length - opts.maxElements);
  var out = [];
  all.slice(0, opts.maxElements).forEach(function (c) {
    var el = c.el;
    if (!el.hasAttribute(ATTR)) el.setAttribute(ATTR, String(w.__nekoNextIndex++));
    // A new tab would be invisible to the agent: open links and forms in this one.
    if (el.getAttribute('target')) el.removeAttribute('target');
    if (el.form && el.form.getAttribute('target')) el.form.removeAttribute('target');
    var tag = el.tagName.toLowerCase();
    var type = (el.getAttribute('type') || '').toLowerCase();
    var role = el.getAttribute('role');
    var e = { index: Number(el.getAttribute(ATTR)) };
    if (tag === 'a') { e.kind = 'link'; e.label = textOf(el); e.href = clean(el.getAttribute('href'), 120); }
    else if (tag === 'button' || (tag === 'input' && /^(submit|button|reset|image)$/.test(type))) { e.kind = 'button'; e.label = textOf(el); }
    else if (tag === 'input' && (type === 'checkbox' || type === 'radio')) { e.kind = type; e.label = labelOf(el); e.checked = !!el.checked; e.value = clean(el.value, 40); }
    else if (tag === 'input') { e.kind = 'input'; e.type = type || 'text'; e.label = labelOf(el); e.placeholder = clean(el.placeholder, 60);
      e.value = type === 'password' ? (el.value ? '\\u2022\\u2022\\u2022' : '') : clean(el.value, 80); }
    else if (tag === 'textarea') { e.kind = 'textarea'; e.label = labelOf(el); e.placeholder = clean(el.placeholder, 60); e.value = clean(el.value, 120); }
    else if (tag === 'select') { e.kind = 'select'; e.label = labelOf(el);
      e.options = Array.prototype.slice.call(el.options, 0, 20).map(function (o) { return clean(o.text || o.value, 40); });
      e.value = el.selectedIndex >= 0 ? clean(el.options[el.selectedIndex].text, 40) : ''; }
    else if (el.isContentEditable) { e.kind = 'editable'; e.label = labelOf(el) || textOf(el); }
    else { e.kind = role || (tag === 'summary' ? 'summary' : 'clickable'); e.label = textOf(el);
      if (role === 'checkbox' || role === 'switch' || role === 'radio') e.checked = el.getAttribute('aria-checked') === 'true'; }
    var name = el.getAttribute('name'); if (name) e.name = clean(name, 40);
    if (el.disabled || el.getAttribute('aria-disabled') === 'true') e.disabled = true;
    out.push(e);
  });
  var body = document.body ? clean(document.body.innerText, 200000) : '';
  var doc = document.documentElement;
  var height = Math.max(doc.scrollHeight, 1);
  var scrolled = Math.max(0, height - w.innerHeight);
  var pct = scrolled > 0 ? Math.round((w.scrollY / scrolled) * 100) : 0;
  // When scrolled, start the excerpt about where the viewport is.
  var start = pct > 0 ? Math.floor((w.scrollY / height) * body.length) : 0;
  if (start > 0) { var sp = body.indexOf(' ', start); start = sp > 0 ? sp + 1 : start; }
  return { url: location.href, title: clean(document.title, 200), text: clean(body.slice(start), opts.textChars),
    elements: out, omitted: omitted, scrollPercent: pct, screens: Math.round((height / Math.max(w.innerHeight, 1)) * 10) / 10 };
})`;

/** Collects the snapshot; retries while a navigation replaces the document under our feet. */
export async function takeSnapshot(page: Page, limits: SnapshotLimits = SNAPSHOT_LIMITS): Promise<PageSnapshot> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const raw: unknown = await page.evaluate(`${IN_PAGE_SNAPSHOT}(${JSON.stringify(limits)})`);
      return asSnapshot(raw);
    } catch (err) {
      lastError = err;
      if (!/context was destroyed|navigat|detached|Cannot find context/i.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw lastError;
}

/** The page's visible text (for `extract`), whitespace collapsed and bounded. */
export async function pageText(page: Page, maxChars: number): Promise<string> {
  const raw: unknown = await page.evaluate(`document.body ? document.body.innerText : ''`);
  return boundText(String(raw).replace(/\s+/g, ' ').trim(), maxChars);
}

function asSnapshot(raw: unknown): PageSnapshot {
  const r = (raw ?? {}) as Partial<PageSnapshot>;
  return {
    url: String(r.url ?? ''),
    title: String(r.title ?? ''),
    text: String(r.text ?? ''),
    elements: Array.isArray(r.elements) ? r.elements : [],
    omitted: Number(r.omitted ?? 0),
    scrollPercent: Number(r.scrollPercent ?? 0),
    screens: Number(r.screens ?? 1),
  };
}

/** One line per element, e.g. `[2] input type=email name="email" label="Email" value=""`. */
export function renderElement(e: SnapshotElement): string {
  const parts = [`[${e.index}]`, e.kind];
  if (e.type) parts.push(`type=${e.type}`);
  if (e.name) parts.push(`name=${JSON.stringify(e.name)}`);
  if (e.label) parts.push(e.kind === 'link' || e.kind === 'button' ? JSON.stringify(e.label) : `label=${JSON.stringify(e.label)}`);
  if (e.placeholder) parts.push(`placeholder=${JSON.stringify(e.placeholder)}`);
  if (e.options) parts.push(`options=${JSON.stringify(e.options)}`);
  if (e.value !== undefined && (e.value !== '' || e.kind === 'input' || e.kind === 'textarea')) {
    parts.push(`${e.kind === 'select' ? 'selected' : 'value'}=${JSON.stringify(e.value)}`);
  }
  if (e.checked !== undefined) parts.push(e.checked ? 'checked' : 'unchecked');
  if (e.href) parts.push(`-> ${e.href}`);
  if (e.disabled) parts.push('(disabled)');
  return parts.join(' ');
}

/** Short name of an element for progress messages: `[3] "Submit"`. */
export function elementLabel(snapshot: PageSnapshot | undefined, index: number): string {
  const e = snapshot?.elements.find((x) => x.index === index);
  const name = e?.label || e?.name || e?.placeholder || e?.kind;
  return name ? `[${index}] ${JSON.stringify(boundText(name, 60))}` : `[${index}]`;
}

/** The text the model gets, at most `limits.totalChars` characters. */
export function renderSnapshot(s: PageSnapshot, limits: SnapshotLimits = SNAPSHOT_LIMITS): string {
  const head = [`URL: ${boundText(s.url, 300)}`, `Title: ${s.title || '(none)'}`, `Scroll: ${s.scrollPercent}% of ${s.screens} screen(s)`];
  const text = `Visible text:\n${boundText(s.text, limits.textChars) || '(empty)'}`;
  const budget = limits.totalChars - head.join('\n').length - text.length - 80;
  const lines: string[] = [];
  let used = 0;
  let cut = s.omitted;
  for (const e of s.elements) {
    const line = boundText(renderElement(e), 300);
    if (used + line.length + 1 > budget) {
      cut = s.omitted + s.elements.length - lines.length;
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  const list = lines.length ? lines.join('\n') : '(no interactive elements)';
  const more = cut > 0 ? `\n(${cut} more elements not shown; scroll to reach them)` : '';
  return boundText(`${head.join('\n')}\nInteractive elements:\n${list}${more}\n${text}`, limits.totalChars);
}
