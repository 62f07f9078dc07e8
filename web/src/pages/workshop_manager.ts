/**
 * The workshop page (/steam_workshop_manager): Steam's subscribed items when Steam runs (and a plain
 * explanation when it does not), the user's mod folder with its items, publishing, and the folder settings.
 */
import { api, ApiError, ensureOk } from '../core/api';
import { el, errorMessage, must } from '../core/dom';
import { t } from '../core/i18n';
import { bootPage } from '../core/page';
import { guarded, showLoadError, toast } from '../core/toast';
import { WorkshopLocal } from '../manage/editors/workshop-local.view';

interface Subscribed { publishedFileId: string; title?: string; previewUrl?: string; state?: { installed?: boolean; needsUpdate?: boolean; downloading?: boolean } }
interface WorkshopConfig { user_mod_folder?: string; default_workshop_folder?: string; auto_create_folder?: boolean }

bootPage(async () => {
  let steam = false;
  const local = new WorkshopLocal(() => steam);
  const box = must('#subscribed');

  const stateBadge = (item: Subscribed) => {
    if (item.state?.downloading) return el('span', { class: 'badge warn', text: t('editors.ws.downloading') });
    if (item.state?.needsUpdate) return el('span', { class: 'badge warn', text: t('editors.ws.needsUpdate') });
    return item.state?.installed ? el('span', { class: 'badge ok', text: t('editors.ws.installed') }) : null;
  };

  const loadSubscribed = async () => {
    try {
      const res = ensureOk(await api.get<{ items?: Subscribed[] }>('/api/steam/workshop/subscribed-items'));
      steam = true;
      const items = res.items ?? [];
      if (items.length === 0) {
        box.replaceChildren(el('p', { class: 'empty', text: t('editors.ws.noSubscribed') }));
        return;
      }
      box.replaceChildren(el('ul', { class: 'list ws-items' }, ...items.map((item) => {
        const unsubscribe = el('button', { type: 'button', class: 'danger small', text: t('editors.ws.unsubscribe') });
        unsubscribe.addEventListener('click', () => void guarded(t('editors.ws.unsubscribeFailed'), async () => {
          ensureOk(await api.post('/api/steam/workshop/unsubscribe', { item_id: String(item.publishedFileId) }));
          toast(t('editors.ws.unsubscribed'), 'ok');
          await loadSubscribed();
        }, unsubscribe));
        return el('li', {},
          item.previewUrl ? el('img', { class: 'ws-thumb', src: item.previewUrl, alt: '', width: 40, height: 40, loading: 'lazy' }) : el('span', { class: 'ws-thumb placeholder', 'aria-hidden': 'true', text: Array.from(item.title || '#')[0]?.toUpperCase() ?? '#' }),
          el('span', { class: 'name', text: item.title || item.publishedFileId }),
          stateBadge(item),
          unsubscribe);
      })));
    } catch (err) {
      steam = false;
      // Without Steam the server answers 503 "Steamworks未初始化": explained, not shown as an error.
      if (err instanceof ApiError && err.status === 503) {
        box.replaceChildren(el('div', { class: 'note steam-absent' },
          el('strong', { text: t('editors.ws.noSteamTitle') }),
          el('p', { text: t('editors.ws.noSteam') })));
      } else {
        box.replaceChildren(el('p', { class: 'banner banner-error', text: `${t('editors.ws.loadFailed')}: ${errorMessage(err)}` }));
      }
    }
  };

  const form = must<HTMLFormElement>('#ws-config-form');
  const field = (id: string) => must<HTMLInputElement>(`#${id}`);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body: WorkshopConfig = {
      user_mod_folder: field('user_mod_folder').value.trim(),
      default_workshop_folder: field('default_workshop_folder').value.trim(),
      auto_create_folder: field('auto_create_folder').checked,
    };
    void guarded(t('editors.ws.saveFailed'), async () => {
      ensureOk(await api.post('/api/steam/workshop/config', body));
      toast(t('editors.ws.saved'), 'ok');
      await local.scan();
    }, must<HTMLButtonElement>('#ws-config-save'));
  });
  must<HTMLButtonElement>('#ws-scan').addEventListener('click', (ev) => void local.scan(ev.currentTarget as HTMLButtonElement));

  const loadConfig = async () => {
    try {
      const cfg = ensureOk(await api.get<{ config?: WorkshopConfig }>('/api/steam/workshop/config')).config ?? {};
      field('user_mod_folder').value = cfg.user_mod_folder ?? '';
      field('default_workshop_folder').value = cfg.default_workshop_folder ?? '';
      field('auto_create_folder').checked = cfg.auto_create_folder !== false;
    } catch (err) {
      showLoadError(must('#load-error'), t('editors.ws.loadFailed'), err);
    }
  };

  // Steam first: the local items' publish buttons depend on it.
  await Promise.all([loadSubscribed(), loadConfig()]);
  await local.scan();
});
