/**
 * The local side of the workshop page: the item folders of the mod folder, one item's details
 * and its publish state. It all works without Steam; only publishing itself needs it.
 */
import { api, ensureOk } from '../../core/api';
import { el, enc, latestRequest, must } from '../../core/dom';
import { t } from '../../core/i18n';
import { guarded, showLoadError, toast } from '../../core/toast';

export interface LocalItem { id: string; name: string; path: string; size?: number; lastModified?: number; previewImage?: string | null }
interface ScanAnswer { local_items?: LocalItem[]; folder_path?: string }
interface StatusAnswer { is_published?: boolean; published_file_id?: string | null }

/** An image of an allowed folder through the server's image proxy. */
const proxyImage = (path: string): string => `/api/steam/proxy-image?image_path=${enc(path)}`;

function sizeText(bytes = 0): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

const thumb = (item: LocalItem, size: number) =>
  item.previewImage ? el('img', { class: 'ws-thumb', src: proxyImage(item.previewImage), alt: '', width: size, height: size, loading: 'lazy' }) : el('span', { class: 'ws-thumb placeholder', 'aria-hidden': 'true', text: Array.from(item.name)[0]?.toUpperCase() ?? '?' });

export class WorkshopLocal {
  private readonly detailRequest = latestRequest();

  constructor(private readonly steamAvailable: () => boolean) {}

  async scan(button?: HTMLButtonElement): Promise<void> {
    const list = must('#local-items');
    await guarded(t('editors.ws.scanFailed'), async () => {
      const res = ensureOk(await api.post<ScanAnswer>('/api/steam/workshop/local-items/scan', {}));
      const items = res.local_items ?? [];
      must('#ws-folder').textContent = res.folder_path ? t('editors.ws.folder', { path: res.folder_path }) : '';
      list.replaceChildren(...(items.length === 0
        ? [el('li', { class: 'empty', text: t('editors.ws.noLocal') })]
        : items.map((item) => el('li', {}, el(
          'button',
          { type: 'button', class: 'ws-item', 'data-item-path': item.path, onclick: () => void this.open(item) },
          thumb(item, 40),
          el('span', { class: 'name', text: item.name }),
          el('span', { class: 'badge', text: sizeText(item.size) }),
        )))));
    }, button);
  }

  async open(item: LocalItem): Promise<void> {
    const box = must('#local-detail');
    const isLatest = this.detailRequest();
    for (const b of document.querySelectorAll<HTMLElement>('.ws-item')) b.setAttribute('aria-pressed', String(b.dataset.itemPath === item.path));
    box.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
    try {
      const [detail, status] = await Promise.all([
        // The item's own folder: the server describes a folder_path that is a directory directly.
        api.get<{ item?: LocalItem }>(`/api/steam/workshop/local-items/${enc(item.id)}`, { query: { folder_path: item.path } }).then(ensureOk),
        api.get<StatusAnswer>('/api/steam/workshop/check-upload-status', { query: { item_path: item.path } }).then(ensureOk),
      ]);
      if (!isLatest()) return;
      this.showDetail(box, detail.item ?? item, status);
    } catch (err) {
      if (isLatest()) showLoadError(box, t('editors.ws.loadFailed'), err);
    }
  }

  private showDetail(box: HTMLElement, item: LocalItem, status: StatusAnswer): void {
    const title = el('input', { type: 'text', value: item.name, maxlength: 128 });
    const description = el('textarea', { maxlength: 8000, rows: 4 });
    const steam = this.steamAvailable();
    const publish = el('button', { type: 'button', 'data-action': 'publish', text: t('editors.ws.publish'), disabled: !steam });
    publish.addEventListener('click', () => void guarded(t('editors.ws.publishFailed'), async () => {
      if (title.value.trim() === '') throw new Error(t('editors.ws.needTitle'));
      const res = ensureOk(await api.post<{ published_file_id?: number | string }>('/api/steam/workshop/publish', {
        title: title.value.trim(), content_folder: item.path, visibility: 2, description: description.value, tags: [],
      }));
      toast(t('editors.ws.publishedAs', { id: String(res.published_file_id ?? '') }), 'ok');
      await this.open(item);
    }, publish));
    box.replaceChildren(
      el('div', { class: 'ws-detail-head' }, thumb(item, 72), el('div', {}, el('h2', { text: item.name }), el('p', { class: 'hint ws-path', text: item.path }))),
      el('p', {}, status.is_published
        ? el('span', { class: 'badge ok', text: t('editors.ws.published', { id: status.published_file_id ?? '' }) })
        : el('span', { class: 'badge', text: t('editors.ws.notPublished') })),
      el('label', { class: 'field' }, el('span', { text: t('editors.ws.title') }), title),
      el('label', { class: 'field' }, el('span', { text: t('editors.ws.description') }), description),
      el('div', { class: 'row' }, publish, el('span', { class: 'hint', text: steam ? t('editors.ws.publishHint') : t('editors.ws.publishNeedsSteam') })),
    );
  }
}
