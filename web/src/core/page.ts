/**
 * Set-up every page runs once: translations, the language switch, the phone-width menu, the
 * unload beacon, and a last-resort report of unexpected errors.
 */
import { api } from './api';
import { $, errorMessage } from './dom';
import { applyTranslations, currentLanguage, LANGUAGES, setLanguage, t, type Language } from './i18n';
import { toast } from './toast';

export interface PageData {
  /** The character the page works on (?lanlan_name=, the path, else the current one; '' when none). */
  readonly lanlanName: string;
  /** The current character (当前猫娘). */
  readonly currentName: string;
  readonly masterName: string;
}

/** Data the server rendered into <body>, already HTML-unescaped by the browser. */
export function pageData(): PageData {
  const d = document.body.dataset;
  const fromQuery = new URLSearchParams(location.search).get('lanlan_name');
  return {
    lanlanName: fromQuery !== null && fromQuery.trim() !== '' ? fromQuery : (d.lanlanName ?? ''),
    currentName: d.currentName ?? '',
    masterName: d.masterName ?? '',
  };
}

let leavingInternally = false;

/** Marks the coming unload as our own navigation or reload (no shutdown beacon). */
export function leavingPage(): void {
  leavingInternally = true;
}

function setUpLanguageSwitch(): void {
  const select = $<HTMLSelectElement>('#lang-select');
  if (!select) return;
  select.value = currentLanguage();
  select.addEventListener('change', () => {
    if ((LANGUAGES as readonly string[]).includes(select.value)) setLanguage(select.value as Language);
  });
}

function setUpMenu(): void {
  const toggle = $<HTMLButtonElement>('#nav-toggle');
  const nav = $('#site-nav');
  if (!toggle || !nav) return;
  toggle.addEventListener('click', () => {
    const open = nav.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
}

/** Common set-up, then the page's own; an error in either is shown instead of a blank page. */
export function bootPage(init: () => void | Promise<void>): void {
  const run = async () => {
    applyTranslations(document);
    setUpLanguageSwitch();
    setUpMenu();
    // Like the original pages, tell the server the window is closing (a no-op unless it runs in
    // browser mode). Moving between our own pages is not closing the app.
    document.addEventListener('click', (ev) => {
      const link = ev.target instanceof Element ? ev.target.closest('a[href]') : null;
      // A link opening another window leaves this one open.
      if (link instanceof HTMLAnchorElement && link.origin === location.origin && (link.target === '' || link.target === '_self')) leavingPage();
    });
    window.addEventListener('pagehide', () => {
      if (!leavingInternally) api.beacon('/api/beacon/shutdown', { timestamp: Date.now(), action: 'shutdown' });
    });
    window.addEventListener('unhandledrejection', (ev) => {
      console.error(ev.reason);
      toast(t('error.unexpected', { message: errorMessage(ev.reason) }), 'error');
    });
    await init();
  };
  const start = () => void run().catch((err: unknown) => {
    console.error(err);
    toast(t('error.unexpected', { message: errorMessage(err) }), 'error');
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
