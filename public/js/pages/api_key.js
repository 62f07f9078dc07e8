// API settings: providers, keys (masked by the server), custom per-task endpoints; save →
// POST /api/config/core_api then POST /api/characters/clear_voice_ids, as the original UI does.
import { $, $$, api, el, ensureOk, fillSelect, guarded, initPage, showLoadError, t, toast } from './common.js';

initPage();

const TIERS = ['summary', 'correction', 'emotion', 'vision', 'omni', 'tts', 'agent'];
const PARTS = ['Provider', 'Url', 'Id', 'ApiKey'];
const PLAIN_FIELDS = ['coreApiKey', 'assistApiKeyQwen', 'assistApiKeyOpenai', 'assistApiKeyGlm', 'assistApiKeyStep', 'assistApiKeySilicon', 'mcpToken'];
const CUSTOM_FIELDS = TIERS.flatMap((tier) => PARTS.map((part) => `${tier}Model${part}`));
const providers = { core: [], assist: [] };

function buildTiers() {
  $('#custom-tiers').replaceChildren(...TIERS.map((tier) => el('fieldset', {},
    el('legend', { 'data-i18n': `api.tier.${tier}`, text: t(`api.tier.${tier}`) }),
    el('div', { class: 'grid-even' },
      ...PARTS.map((part) => el('label', { class: 'field' },
        el('span', { text: t(`api.part.${part}`) }),
        el('input', {
          type: part === 'ApiKey' ? 'password' : 'text', id: `${tier}Model${part}`, maxlength: 500, spellcheck: 'false',
          placeholder: part === 'Url' ? 'http://127.0.0.1:11434/v1' : part === 'Provider' ? 'openai' : '',
        })))))));
}

function describe(kind) {
  const select = $(`#${kind}Api`);
  const p = providers[kind].find((x) => x.key === select.value);
  $(`#${kind}Api-desc`).textContent = p ? p.description || '' : '';
}

async function load() {
  buildTiers();
  try {
    const [list, cfg] = await Promise.all([api.get('/api/config/api_providers'), api.get('/api/config/core_api')]);
    ensureOk(list);
    ensureOk(cfg);
    providers.core = list.core_api_providers || [];
    providers.assist = list.assist_api_providers || [];
    const opt = (p) => ({ value: p.key, label: p.name || p.key });
    fillSelect($('#coreApi'), providers.core.map(opt), cfg.coreApi);
    fillSelect($('#assistApi'), providers.assist.map(opt), cfg.assistApi);
    $('#coreApiKey').value = cfg.api_key ?? cfg.coreApiKey ?? '';
    for (const id of PLAIN_FIELDS.slice(1)) $(`#${id}`).value = cfg[id] ?? '';
    for (const id of CUSTOM_FIELDS) $(`#${id}`).value = cfg[id] ?? '';
    $('#enableCustomApi').checked = Boolean(cfg.enableCustomApi);
    describe('core');
    describe('assist');
    $('#load-error').replaceChildren();
  } catch (err) {
    showLoadError($('#load-error'), t('api.loadFailed'), err);
  }
}

function body() {
  const out = { coreApi: $('#coreApi').value, assistApi: $('#assistApi').value, enableCustomApi: $('#enableCustomApi').checked };
  // Like the original form, empty fields are left out of the body.
  for (const id of [...PLAIN_FIELDS, ...CUSTOM_FIELDS]) {
    const value = $(`#${id}`).value.trim();
    if (value !== '') out[id] = value;
  }
  if (out.coreApi === 'free') out.coreApiKey = 'free-access';
  else if (out.coreApiKey === undefined) out.coreApiKey = '';
  return out;
}

$('#api-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void guarded(t('api.saveFailed'), async () => {
    const res = ensureOk(await api.post('/api/config/core_api', body()));
    await api.post('/api/characters/clear_voice_ids', {}).catch((err) => toast(`${t('api.clearVoicesFailed')}: ${err.message}`, 'error'));
    toast((res && res.message) || t('common.saved'), 'ok');
    if (window.opener) window.opener.postMessage({ type: 'api_key_changed', timestamp: Date.now() }, location.origin);
    await load();
  }, $('#api-save'));
});

$('#show-keys').addEventListener('change', (ev) => {
  for (const input of $$('input[type=password], input.was-password')) {
    input.classList.add('was-password');
    input.type = ev.currentTarget.checked ? 'text' : 'password';
  }
});
$('#coreApi').addEventListener('change', () => describe('core'));
$('#assistApi').addEventListener('change', () => describe('assist'));
document.addEventListener('neko:language', () => {
  for (const tier of TIERS) {
    for (const part of PARTS) {
      const span = $(`#${tier}Model${part}`)?.previousElementSibling;
      if (span) span.textContent = t(`api.part.${part}`);
    }
  }
});

void load();
