// Companion page: text chat over the §4 WebSocket protocol (/ws/<lanlan_name>), with a clear
// connection state and reconnection with back-off. The avatar and voice are a later issue.
import { $, el, initPage, leavingPage, pageData, t, toast } from './common.js';

initPage();

const log = $('#chat-log');
const input = $('#chat-input');
const connState = $('#conn-state');
/** Status sent to a socket that another window or tab has taken over (spec §4.1). */
const REPLACED = '切换至另一个终端...';
const state = { name: pageData().lanlanName, ws: null, retry: 0, retryTimer: 0, ping: 0, started: false, starting: false, replaced: false, queue: [], bubble: null };

function setConn(kind, key, params) {
  connState.className = `conn ${kind}`;
  connState.textContent = t(key, params);
}

function addBubble(kind, text) {
  $('#chat-empty')?.remove();
  const bubble = el('div', { class: `bubble ${kind}`, text });
  log.append(bubble);
  log.scrollTop = log.scrollHeight;
  return bubble;
}

function showName() {
  $('#char-name').textContent = state.name || t('index.noCharacter');
  $('#link-models').href = `/l2d?lanlan_name=${encodeURIComponent(state.name)}`;
  document.title = `${state.name || 'N.E.K.O.'} · N.E.K.O.`;
}

function send(message) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) {
    state.ws.send(JSON.stringify(message));
    return true;
  }
  return false;
}

function scheduleReconnect() {
  clearTimeout(state.retryTimer);
  const delay = Math.min(30000, 1000 * 2 ** state.retry);
  state.retry += 1;
  setConn('', 'conn.retry', { seconds: Math.round(delay / 1000) });
  state.retryTimer = setTimeout(connect, delay);
}

function connect() {
  clearTimeout(state.retryTimer);
  if (!state.name) {
    setConn('', 'conn.noCharacter');
    return;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  let ws;
  try {
    ws = new WebSocket(`${scheme}://${location.host}/ws/${encodeURIComponent(state.name)}`);
  } catch {
    scheduleReconnect();
    return;
  }
  ws.binaryType = 'arraybuffer';
  state.ws = ws;
  state.started = false;
  state.starting = false;
  setConn('connecting', 'conn.connecting');
  ws.addEventListener('open', () => {
    state.retry = 0;
    setConn('connected', 'conn.connected');
    clearInterval(state.ping);
    state.ping = setInterval(() => send({ action: 'ping' }), 30000);
    if (state.queue.length > 0) startSession();
  });
  ws.addEventListener('message', (ev) => {
    if (typeof ev.data !== 'string') return; // assistant audio: played by the avatar front end (later issue)
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      return;
    }
    onMessage(msg);
  });
  ws.addEventListener('close', () => {
    clearInterval(state.ping);
    if (state.ws !== ws) return; // replaced on purpose (character switch)
    state.ws = null;
    state.started = false;
    state.starting = false;
    // Another window has the conversation now. Reconnecting by ourselves would take it back, and
    // the two pages would keep taking it from each other: wait until the user writes here.
    if (state.replaced) setConn('', 'conn.replaced');
    else scheduleReconnect();
  });
}

function startSession() {
  if (state.started || state.starting) return;
  if (send({ action: 'start_session', input_type: 'text', new_session: false })) state.starting = true;
}

function flushQueue() {
  while (state.queue.length > 0 && state.started) {
    const text = state.queue.shift();
    send({ action: 'stream_data', data: text, input_type: 'text' });
  }
}

function onMessage(msg) {
  switch (msg.type) {
    case 'gemini_response':
      if (msg.isNewMessage || !state.bubble) state.bubble = addBubble('ai', '');
      state.bubble.textContent += String(msg.text ?? '');
      log.scrollTop = log.scrollHeight;
      break;
    case 'user_transcript':
      addBubble('user', String(msg.text ?? ''));
      break;
    case 'session_preparing':
      addBubble('status', t('index.preparing'));
      break;
    case 'session_started':
      state.started = true;
      state.starting = false;
      flushQueue();
      break;
    case 'status':
      addBubble('status', String(msg.message ?? ''));
      if (msg.message === REPLACED) {
        state.replaced = true;
        state.queue.length = 0; // not sent: the other window has the conversation
      }
      if (String(msg.message ?? '').includes('已离开') || String(msg.message ?? '').includes('失联')) state.started = false;
      state.starting = false;
      break;
    case 'system':
      if (msg.data === 'turn end') state.bubble = null;
      break;
    case 'catgirl_switched':
      if (msg.new_catgirl) switchTo(String(msg.new_catgirl));
      break;
    case 'reload_page':
      toast(String(msg.message || t('index.reloading')));
      leavingPage();
      setTimeout(() => location.reload(), 2500);
      break;
    case 'repetition_warning':
      toast(t('index.repetition', { name: msg.name ?? state.name }));
      break;
    default:
      break; // pong, user_activity, expression, auto_close_mic: nothing to show in text mode
  }
}

function switchTo(name) {
  const old = state.ws;
  state.ws = null;
  state.name = name;
  state.bubble = null;
  old?.close();
  if (location.pathname !== '/') history.replaceState(null, '', `/${encodeURIComponent(name)}`);
  showName();
  addBubble('status', t('index.switched', { name }));
  state.retry = 0;
  state.replaced = false;
  connect();
}

$('#chat-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  const open = state.ws !== null && state.ws.readyState === WebSocket.OPEN;
  if (!open && !(state.replaced && state.ws === null)) {
    toast(t('index.notConnected'), 'error');
    return;
  }
  addBubble('user', text);
  input.value = '';
  state.bubble = null;
  state.queue.push(text);
  if (!open) {
    // Take the conversation back from the other window; the message goes once connected.
    state.replaced = false;
    state.retry = 0;
    connect();
  } else if (state.started) flushQueue();
  else startSession();
});

input.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    $('#chat-form').requestSubmit();
  }
});

$('#end-session').addEventListener('click', () => {
  if (send({ action: 'end_session' })) state.started = false;
});

document.addEventListener('neko:language', showName);
showName();
connect();
