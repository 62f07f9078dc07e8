/**
 * What the model sees of a page: URL, title, a text excerpt and the interactive elements, each with
 * an index written into the DOM so "click 3" finds the same element again. The attribute name is
 * random per task (a page cannot pre-mark elements with it) and every snapshot renumbers from 1.
 * The in-page part is plain JavaScript in a string: it runs in Chromium, not in Node (and this
 * project compiles without the DOM typings), in an isolated world (NavigationGuard.evaluate) so
 * page scripts cannot replace the built-ins it uses; what it returns is still checked and bounded.
 */
import { randomBytes } from 'node:crypto';
import { boundText } from '../agent-channel.port';

/** A fresh index attribute name for one task, e.g. `data-neko-3f9a0c1d2e4b`. */
export function newIndexAttribute(): string {
  return `data-neko-${randomBytes(6).toString('hex')}`;
}

/** Runs an expression in the page and returns its JSON value. */
export type PageEvaluate = (expression: string) => Promise<unknown>;

/** CSS selector of element `index` under `attribute`. */
export function indexSelector(attribute: string, index: number): string {
  return `[${attribute}="${index}"]`;
}

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

// Runs in the page. Every call clears the old marks and numbers the visible elements 1..n.
const IN_PAGE_SNAPSHOT = `(function (opts) {
  var ATTR = opts.attribute;
  var w = window;
  var old = document.querySelectorAll('[' + ATTR + ']');
  for (var k = 0; k < old.length; k++) old[k].removeAttribute(ATTR);
  var next = 1;
  function clean(s, max) {
    s = String(s == null ? '' : s);
    if (s.length > max * 2) s = s.slice(0, max * 2);
    s = s.replace(/\\s+/g, ' ').trim();
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
    el.setAttribute(ATTR, String(next++));
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
  // Only a window of the text leaves the page (a 20 MB page must not travel to Node).
  var body = document.body ? String(document.body.innerText) : '';
  var doc = document.documentElement;
  var height = Math.max(doc.scrollHeight, 1);
  var scrolled = Math.max(0, height - w.innerHeight);
  var pct = scrolled > 0 ? Math.round((w.scrollY / scrolled) * 100) : 0;
  // When scrolled, start the excerpt about where the viewport is.
  var start = pct > 0 ? Math.floor((w.scrollY / height) * body.length) : 0;
  if (start > 0) { var sp = body.indexOf(' ', start); start = sp > 0 && sp - start < 200 ? sp + 1 : start; }
  return { url: location.href, title: clean(document.title, 200), text: clean(body.slice(start, start + opts.textChars * 3), opts.textChars),
    elements: out, omitted: omitted, scrollPercent: pct, screens: Math.round((height / Math.max(w.innerHeight, 1)) * 10) / 10 };
})`;

/** Collects the snapshot; retries while a navigation replaces the document under our feet. */
export async function takeSnapshot(evaluate: PageEvaluate, attribute: string, limits: SnapshotLimits = SNAPSHOT_LIMITS): Promise<PageSnapshot> {
  if (!/^data-[a-z0-9-]{1,60}$/.test(attribute)) throw new Error(`invalid index attribute ${attribute}`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const raw = await evaluate(`${IN_PAGE_SNAPSHOT}(${JSON.stringify({ ...limits, attribute })})`);
      return asSnapshot(raw, limits);
    } catch (err) {
      lastError = err;
      if (!/context was destroyed|navigat|detached|Cannot find context/i.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw lastError;
}

/** The page's visible text (for `extract`), cut inside the page, whitespace collapsed and bounded. */
export async function pageText(evaluate: PageEvaluate, maxChars: number): Promise<string> {
  const cut = Math.max(1, Math.floor(maxChars)) * 2;
  const raw = await evaluate(`(function (n) { var b = document.body; return b ? String(b.innerText).slice(0, n) : ''; })(${cut})`);
  return boundText(limited(raw, cut).replace(/\s+/g, ' ').trim(), maxChars);
}

/** A string from the page, at most `max` characters; anything else becomes ''. */
function limited(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

function num(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function asElement(raw: unknown): SnapshotElement | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const index = r.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > 100_000) return undefined;
  const e: { -readonly [K in keyof SnapshotElement]: SnapshotElement[K] } = { index, kind: limited(r.kind, 30) || 'clickable' };
  const text = { type: 30, name: 40, label: 80, placeholder: 60, value: 120, href: 120 } as const;
  for (const key of Object.keys(text) as Array<keyof typeof text>) if (typeof r[key] === 'string') e[key] = limited(r[key], text[key]);
  if (typeof r.checked === 'boolean') e.checked = r.checked;
  if (r.disabled === true) e.disabled = true;
  if (Array.isArray(r.options)) e.options = r.options.slice(0, 20).map((o) => limited(o, 40));
  return e;
}

function asSnapshot(raw: unknown, limits: SnapshotLimits): PageSnapshot {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const elements: SnapshotElement[] = [];
  const seen = new Set<number>();
  for (const item of Array.isArray(r.elements) ? r.elements.slice(0, limits.maxElements) : []) {
    const e = asElement(item);
    // A page script copying our attribute could produce the same number twice: keep the first.
    if (e && !seen.has(e.index)) {
      seen.add(e.index);
      elements.push(e);
    }
  }
  return {
    url: limited(r.url, 2048),
    title: limited(r.title, 200),
    text: limited(r.text, limits.textChars),
    elements,
    omitted: Math.round(num(r.omitted, 0, 1_000_000, 0)),
    scrollPercent: Math.round(num(r.scrollPercent, 0, 100, 0)),
    screens: num(r.screens, 0, 100_000, 1),
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
