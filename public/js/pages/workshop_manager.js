// Workshop manager: Steam items (the server answers "Steam is not available" here: shown as is),
// the local mod folder settings, local items and their publish status.
import { $, api, el, enc, ensureOk, guarded, initPage, showLoadError, t, toast } from './common.js';

initPage();

const state = { folder: '', items: [] };

/** URL of an image under an allowed folder, served by the server's image proxy. */
const proxyImage = (path) => `/api/steam/proxy-image?image_path=${enc(path)}`;

async function loadSubscribed() {
  const box = $('#subscribed');
  try {
    const res = ensureOk(await api.get('/api/steam/workshop/subscribed-items'));
    const items = res.items || [];
    if (items.length === 0) return box.replaceChildren(el('p', { class: 'empty', text: t('ws.noSubscribed') }));
    box.replaceChildren(el('ul', { class: 'list' }, ...items.map((item) => el('li', {},
      item.previewUrl ? el('img', { src: item.previewUrl, alt: '', width: 40, height: 40 }) : null,
      el('span', { class: 'name', text: item.title || item.publishedFileId }),
      el('button', { type: 'button', class: 'danger small', text: t('ws.unsubscribe'), onclick: (ev) => unsubscribe(item.publishedFileId, ev.currentTarget) })))));
  } catch (err) {
    // Without Steam the server answers 503 {"error": "Steamworks未初始化", "message": …}.
    const extra = err.body && err.body.message && err.body.message !== err.message ? ` — ${err.body.message}` : '';
    box.replaceChildren(el('p', { class: 'banner banner-warn', text: `${err.message}${extra}` }));
  }
}

async function unsubscribe(id, button) {
  await guarded(t('ws.unsubscribeFailed'), async () => {
    const res = ensureOk(await api.post('/api/steam/workshop/unsubscribe', { item_id: String(id) }));
    toast(res.message || t('common.saved'), 'ok');
    await loadSubscribed();
  }, button);
}

async function loadConfig() {
  try {
    const res = ensureOk(await api.get('/api/steam/workshop/config'));
    const cfg = res.config || {};
    $('#user_mod_folder').value = cfg.user_mod_folder || '';
    $('#default_workshop_folder').value = cfg.default_workshop_folder || '';
    $('#auto_create_folder').checked = cfg.auto_create_folder !== false;
  } catch (err) {
    showLoadError($('#load-error'), t('ws.loadFailed'), err);
  }
}

$('#ws-config-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const body = {
    user_mod_folder: $('#user_mod_folder').value.trim(),
    default_workshop_folder: $('#default_workshop_folder').value.trim(),
    auto_create_folder: $('#auto_create_folder').checked,
  };
  void guarded(t('ws.saveFailed'), async () => {
    ensureOk(await api.post('/api/steam/workshop/config', body));
    toast(t('common.saved'), 'ok');
  }, $('#ws-config-save'));
});

async function scan(button) {
  await guarded(t('ws.scanFailed'), async () => {
    const res = ensureOk(await api.post('/api/steam/workshop/local-items/scan', {}));
    state.folder = res.folder_path || '';
    state.items = res.local_items || [];
    $('#ws-folder').textContent = state.folder ? `${t('ws.folder')}: ${state.folder}` : '';
    $('#local-items').replaceChildren(...(state.items.length === 0
      ? [el('li', { class: 'empty', text: t('ws.noLocal') })]
      : state.items.map((item) => el('li', { class: 'selectable', onclick: () => void openItem(item) },
        item.previewImage ? el('img', { src: proxyImage(item.previewImage), alt: '', width: 40, height: 40 }) : null,
        el('span', { class: 'name', text: item.name }),
        el('span', { class: 'badge', text: `${Math.round((item.size || 0) / 1024)} KiB` })))));
  }, button);
}

async function openItem(item) {
  const box = $('#local-detail');
  box.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
  try {
    const [detail, status] = await Promise.all([
      // The item's own folder: the server describes a folder_path that is a directory directly.
      api.get(`/api/steam/workshop/local-items/${enc(item.id)}`, { query: { folder_path: item.path } }).then(ensureOk),
      api.get('/api/steam/workshop/check-upload-status', { query: { item_path: item.path } }).then(ensureOk),
    ]);
    const it = detail.item || item;
    const title = el('input', { type: 'text', value: it.name || '', maxlength: 128 });
    const description = el('textarea', { maxlength: 8000 });
    const publish = el('button', { type: 'button', text: t('ws.publish') });
    publish.addEventListener('click', () => void guarded(t('ws.publishFailed'), async () => {
      const res = ensureOk(await api.post('/api/steam/workshop/publish', {
        title: title.value.trim(), content_folder: it.path, visibility: 2, description: description.value, tags: [],
      }));
      toast(res.message || t('common.saved'), 'ok');
    }, publish));
    box.replaceChildren(el('div', { class: 'card' },
      el('h3', { text: it.name }),
      el('p', { class: 'hint', text: it.path }),
      el('p', {}, status.is_published ? el('span', { class: 'badge ok', text: `${t('ws.published')} #${status.published_file_id}` }) : el('span', { class: 'badge', text: t('ws.notPublished') })),
      el('label', { class: 'field' }, el('span', { text: t('ws.title') }), title),
      el('label', { class: 'field' }, el('span', { text: t('ws.description') }), description),
      el('div', { class: 'row' }, publish, el('span', { class: 'hint', text: t('ws.publishHint') }))));
  } catch (err) {
    showLoadError(box, t('ws.loadFailed'), err);
  }
}

$('#ws-scan').addEventListener('click', (ev) => void scan(ev.currentTarget));

void loadConfig();
void loadSubscribed();
