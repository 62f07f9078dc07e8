// Memory browser: recent memory files (read / edit / delete entries / save), the automatic
// review switch, and search-as-you-type over long-term memory with "forget".
import { $, api, el, enc, ensureOk, fillSelect, guarded, initPage, latestRequest, pageData, showLoadError, t, toast } from './common.js';

initPage();

const ROLES = ['system', 'human', 'ai'];
const state = { filename: '', files: [], searchTimer: 0 };
const fileRequest = latestRequest();
const searchRequest = latestRequest();

const nameOf = (filename) => filename.replace(/^recent_?/, '').replace(/\.json$/, '');

/** LangChain content is a string or a list of parts ({type:'text', text}). */
function contentText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : (p && p.text) || '')).join('');
  return content == null ? '' : JSON.stringify(content);
}

function entryRow(role, text) {
  const select = el('select', { 'aria-label': t('mem.role') });
  for (const r of ROLES) select.append(el('option', { value: r, text: t(`mem.role.${r}`), selected: r === role }));
  const area = el('textarea', { rows: 2, maxlength: 100000, 'aria-label': t('mem.text') });
  area.value = text;
  const row = el('div', { class: 'chat-entry' }, select, area,
    el('button', { type: 'button', class: 'danger small', text: '✕', title: t('common.delete'), onclick: () => row.remove() }));
  return row;
}

function setEditing(on) {
  for (const id of ['#add-entry', '#clear-entries', '#save-entries']) $(id).disabled = !on;
}

async function openFile(filename) {
  state.filename = filename;
  $('#file-title').textContent = nameOf(filename) || filename;
  renderFiles(state.files);
  const box = $('#entries');
  box.replaceChildren(el('p', { class: 'empty', text: t('common.loading') }));
  setEditing(false);
  const isLatest = fileRequest();
  try {
    const res = await api.get('/api/memory/recent_file', { query: { filename } });
    // Another file was opened meanwhile: showing this one under its name would save it there.
    if (!isLatest()) return;
    let items = [];
    try {
      items = JSON.parse(res.content);
    } catch {
      throw new Error(t('mem.badFile'));
    }
    if (!Array.isArray(items)) throw new Error(t('mem.badFile'));
    const rows = items.map((m) => entryRow(ROLES.includes(m && m.type) ? m.type : 'system', contentText(m && m.data ? m.data.content : '')));
    box.replaceChildren(...(rows.length ? rows : [el('p', { class: 'empty', id: 'no-entries', text: t('mem.emptyFile') })]));
    setEditing(true);
  } catch (err) {
    if (isLatest()) showLoadError(box, t('mem.openFailed'), err);
  }
}

function renderFiles(files) {
  state.files = files;
  $('#file-list').replaceChildren(...(files.length === 0
    ? [el('li', { class: 'empty', text: t('mem.noFiles') })]
    : files.map((f) => el('li', { class: `selectable${f === state.filename ? ' selected' : ''}`, onclick: () => void openFile(f) },
      el('span', { class: 'name', text: nameOf(f) || f })))));
}

async function loadFiles() {
  // The character list does not depend on the memory server: fill it even if that is down.
  const [files, current, chars] = await Promise.all([
    api.get('/api/memory/recent_files').then((res) => (res && res.files) || []).catch((err) => {
      showLoadError($('#file-list'), t('mem.loadFailed'), err);
      return null;
    }),
    api.get('/api/characters/current_catgirl').catch(() => ({})),
    api.get('/api/characters').catch(() => ({})),
  ]);
  if (files) renderFiles(files);
  const names = [...new Set([...Object.keys((chars && chars['猫娘']) || {}), ...(files || []).map(nameOf)])].filter(Boolean);
  const preferred = pageData().lanlanName || (current && current.current_catgirl) || names[0];
  fillSelect($('#search-chara'), names.map((n) => ({ value: n })), preferred);
  const mine = (files || []).find((f) => nameOf(f) === preferred);
  if (mine && !state.filename) await openFile(mine);
}

async function loadReview() {
  try {
    const res = await api.get('/api/memory/review_config');
    $('#review-toggle').checked = Boolean(res && res.enabled);
  } catch (err) {
    showLoadError($('#load-error'), t('mem.loadFailed'), err);
  }
}

$('#review-toggle').addEventListener('change', (ev) => {
  const box = ev.currentTarget;
  const wanted = box.checked;
  void guarded(t('mem.saveFailed'), async () => {
    try {
      const res = ensureOk(await api.post('/api/memory/review_config', { enabled: wanted }));
      box.checked = Boolean(res.enabled);
    } catch (err) {
      box.checked = !wanted; // not saved: show the setting as it still is
      throw err;
    }
    toast(t('common.saved'), 'ok');
  }, box);
});

$('#add-entry').addEventListener('click', () => {
  document.getElementById('no-entries')?.remove();
  $('#entries').append(entryRow('human', ''));
});

$('#clear-entries').addEventListener('click', () => {
  if (!confirm(t('mem.clearConfirm'))) return;
  // Keep the running summary (the system memo), drop the conversation.
  for (const row of Array.from($('#entries').querySelectorAll('.chat-entry'))) if (row.querySelector('select').value !== 'system') row.remove();
});

$('#save-entries').addEventListener('click', (ev) => {
  const chat = Array.from($('#entries').querySelectorAll('.chat-entry')).map((row) => ({ role: row.querySelector('select').value, text: row.querySelector('textarea').value }));
  void guarded(t('mem.saveFailed'), async () => {
    ensureOk(await api.post('/api/memory/recent_file/save', { filename: state.filename, chat }));
    toast(t('common.saved'), 'ok');
  }, ev.currentTarget);
});

async function search() {
  const q = $('#search-input').value.trim();
  const name = $('#search-chara').value;
  const box = $('#search-results');
  const isLatest = searchRequest(); // also when cleared: an answer still on its way is dropped
  if (!q || !name) return box.replaceChildren();
  try {
    const res = await api.get(`/api/memory/${enc(name)}/search`, { query: { q } });
    if (!isLatest()) return; // a newer query is on its way
    const results = (res && res.results) || [];
    box.replaceChildren(...(results.length === 0 ? [el('p', { class: 'empty', text: t('mem.noResults') })] : results.map((r) => resultRow(name, r))));
  } catch (err) {
    if (isLatest()) showLoadError(box, t('mem.searchFailed'), err);
  }
}

function resultRow(name, r) {
  const when = r.timestamp ? new Date(typeof r.timestamp === 'number' && r.timestamp < 1e12 ? r.timestamp * 1000 : r.timestamp) : null;
  const meta = [r.kind, r.speaker, when && !Number.isNaN(when.getTime()) ? when.toLocaleString() : '', typeof r.score === 'number' ? `${t('mem.score')} ${r.score.toFixed(2)}` : ''].filter(Boolean).join(' · ');
  const row = el('div', { class: 'result row' },
    el('div', { class: 'grow' }, el('div', { text: r.text }), el('div', { class: 'meta', text: meta })));
  const forget = el('button', { type: 'button', class: 'danger small', text: t('mem.forget') });
  forget.addEventListener('click', () => {
    if (!confirm(t('mem.forgetConfirm'))) return;
    // Search results are kinds 'turn', 'summary' and 'fact'; each is forgotten from its own table.
    const table = { summary: 'summaries', fact: 'facts' }[String(r.kind || '')] || 'turns';
    void guarded(t('mem.forgetFailed'), async () => {
      ensureOk(await api.del(`/api/memory/${enc(name)}/${table}/${enc(r.id)}`));
      row.remove();
      toast(t('mem.forgotten'), 'ok');
    }, forget);
  });
  row.append(forget);
  return row;
}

$('#search-input').addEventListener('input', () => {
  clearTimeout(state.searchTimer);
  state.searchTimer = setTimeout(() => void search(), 250);
});
$('#search-chara').addEventListener('change', () => void search());

void loadReview();
void loadFiles();
