// Voice clone: upload a reference recording (multipart file + prefix) to
// POST /api/characters/voice_clone, then assign the new voice id to the character.
import { $, api, el, enc, ensureOk, fillSelect, guarded, initPage, pageData, showLoadError, t, toast } from './common.js';

initPage();

const state = { chara: pageData().lanlanName };

async function load() {
  try {
    const [data, cfg] = await Promise.all([
      api.get('/api/characters'),
      api.get('/api/config/page_config', { query: { lanlan_name: state.chara } }).catch(() => null),
    ]);
    if (cfg && cfg.success && cfg.lanlan_name) state.chara = cfg.lanlan_name;
    const names = Object.keys((data && data['猫娘']) || {});
    if (!names.includes(state.chara)) state.chara = (data && data['当前猫娘']) || names[0] || '';
    fillSelect($('#chara-select'), names.map((n) => ({ value: n })), state.chara);
  } catch (err) {
    showLoadError($('#load-error'), t('voice.loadFailed'), err);
  }
}

$('#voice-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const file = ($('#voice-file').files || [])[0];
  const prefix = $('#voice-prefix').value.trim();
  const chara = $('#chara-select').value;
  if (!file || !prefix) return toast(t('voice.missing'), 'error');
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('prefix', prefix);
  const result = $('#voice-result');
  result.replaceChildren(el('p', { class: 'banner banner-warn', text: t('voice.working') }));
  void guarded(t('voice.failed'), async () => {
    try {
      const res = ensureOk(await api.upload('/api/characters/voice_clone', form));
      if (!res || !res.voice_id) throw new Error(t('voice.noId'));
      if (chara) ensureOk(await api.put(`/api/characters/catgirl/voice_id/${enc(chara)}`, { voice_id: res.voice_id }));
      result.replaceChildren(el('p', { class: 'banner banner-ok', text: `${res.message || t('voice.done')} — voice_id: ${res.voice_id}` }));
      if (window.opener) window.opener.postMessage({ type: 'voice_id_updated', voice_id: res.voice_id, lanlan_name: chara }, location.origin);
    } catch (err) {
      const hint = err.body && err.body.suggestion ? ` (${err.body.suggestion})` : '';
      result.replaceChildren(el('p', { class: 'banner banner-error', text: `${t('voice.failed')}: ${err.message}${hint}` }));
      throw err;
    }
  }, $('#voice-submit'));
});

void load();
