/**
 * English and Simplified Chinese for every page. The language comes from the browser
 * (navigator.languages) unless the user picked one (localStorage "neko.language" or ?lang=).
 * Markup carries data-i18n / data-i18n-placeholder / data-i18n-title / data-i18n-aria keys;
 * scripts call t(key, params). Keys are checked by the compiler.
 */
import * as agent from '../i18n/agent';
import * as api from '../i18n/api';
import * as avatar from '../i18n/avatar';
import * as chara from '../i18n/chara';
import * as common from '../i18n/common';
import * as companion from '../i18n/companion';
import * as editors from '../i18n/editors';
import * as memory from '../i18n/memory';
import * as models from '../i18n/models';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

const EN = { ...common.en, ...companion.en, ...avatar.en, ...chara.en, ...api.en, ...memory.en, ...agent.en, ...models.en, ...editors.en };
export type MessageKey = keyof typeof EN;
const ZH: Record<MessageKey, string> = { ...common.zh, ...companion.zh, ...avatar.zh, ...chara.zh, ...api.zh, ...memory.zh, ...agent.zh, ...models.zh, ...editors.zh };
const DICTS: Record<Language, Record<string, string>> = { en: EN, 'zh-CN': ZH };

const STORAGE_KEY = 'neko.language';
const listeners = new Set<(lang: Language) => void>();

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Any Chinese tag (zh, zh-CN, zh-Hans, zh-TW…) → zh-CN, the only Chinese we have; anything else → en. */
export function languageOf(tag: string): Language {
  return /^zh\b/i.test(tag) ? 'zh-CN' : 'en';
}

export function currentLanguage(): Language {
  const fromQuery = new URLSearchParams(location.search).get('lang');
  if (isLanguage(fromQuery)) return fromQuery;
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage disabled
  }
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) if (/^(zh|en)\b/i.test(tag)) return languageOf(tag);
  return 'en';
}

export function setLanguage(lang: Language): void {
  const url = new URL(location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang');
    history.replaceState(history.state, '', url);
  }
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  applyTranslations(document);
  for (const listener of listeners) listener(lang);
}

/** Called after the language changed (views that render text from scripts re-render). */
export function onLanguageChange(listener: (lang: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Translates a key; {name}-style placeholders are filled from params. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = DICTS[currentLanguage()][key] ?? EN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** True when `key` is a message key (for keys built at run time, e.g. from a server's code). */
export function hasMessage(key: string): key is MessageKey {
  return key in EN;
}

const ATTRIBUTES: readonly [string, string][] = [
  ['i18nPlaceholder', 'placeholder'],
  ['i18nTitle', 'title'],
  ['i18nAria', 'aria-label'],
];

/** Applies the current language to every marked element under `root`. */
export function applyTranslations(root: ParentNode): void {
  const lang = currentLanguage();
  document.documentElement.lang = lang;
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = node.dataset.i18n ?? '';
    if (hasMessage(key)) node.textContent = t(key);
  }
  for (const [data, attribute] of ATTRIBUTES) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const node of root.querySelectorAll<HTMLElement>(selector)) {
      const key = node.dataset[data] ?? '';
      if (hasMessage(key)) node.setAttribute(attribute, t(key));
    }
  }
  const titleKey = document.body?.dataset.pageTitleKey ?? '';
  if (hasMessage(titleKey)) document.title = `${t(titleKey)} · N.E.K.O.`;
}
