// Companion page: text and voice chat over the §4 WebSocket protocol (/ws/<lanlan_name>), with
// a clear connection state and reconnection with back-off; the assistant's audio is played and
// stopped at once when the user speaks or writes again. The avatar is a later issue.
import { MicCapture } from '../audio/mic-capture.js';
import { PcmPlayer } from '../audio/pcm-player.js';
import { $, api, el, initPage, leavingPage, pageData, t, toast } from './common.js';

initPage();

const log = $('#chat-log');
const input = $('#chat-input');
const connState = $('#conn-state');
/** Status sent to a socket that another window or tab has taken over (spec §4.1). */
const REPLACED = '切换至另一个终端...';
const state = { name: pageData().lanlanName, ws: null, retry: 0, retryTimer: 0, ping: 0, started: false, starting: false, replaced: false, queue: [], bubble: null, mode: 'text' };
const player = new PcmPlayer();
const mic = new MicCapture((frame) => send({ action: 'stream_data', data: Array.from(frame), input_type: 'audio' }));
const micButton = $('#mic-toggle');

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
    if (typeof ev.data !== 'string') {
      player.play(ev.data);
      return;
    }
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
    stopMic();
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
      state.mode = msg.input_mode === 'audio' ? 'audio' : 'text';
      if (state.mode === 'audio') void startMic();
      else flushQueue();
      break;
    case 'user_activity':
      player.clear();
      break;
    case 'auto_close_mic':
      stopMic();
      addBubble('status', String(msg.message ?? ''));
      break;
    case 'status':
      addBubble('status', String(msg.message ?? ''));
      if (msg.message === REPLACED) {
        state.replaced = true;
        state.queue.length = 0; // not sent: the other window has the conversation
      }
      if (String(msg.message ?? '').includes('已离开') || String(msg.message ?? '').includes('失联')) {
        state.started = false;
        stopMic();
      }
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
      break; // pong, expression: nothing to show here
  }
}

async function startMic() {
  try {
    const saved = await api.get('/api/characters/get_microphone').catch(() => null);
    await mic.start(typeof saved?.microphone_id === 'string' && saved.microphone_id ? saved.microphone_id : undefined);
    micButton.classList.add('active');
    micButton.textContent = t('index.micStop');
  } catch (err) {
    toast(t('index.micFailed', { error: err instanceof Error ? err.message : String(err) }), 'error');
    send({ action: 'pause_session' });
    state.started = false;
  }
}

function stopMic() {
  if (!mic.running) return;
  mic.stop();
  micButton.classList.remove('active');
  micButton.textContent = t('index.micStart');
}

micButton.addEventListener('click', () => {
  player.unlock();
  if (mic.running || (state.mode === 'audio' && (state.started || state.starting))) {
    stopMic();
    send({ action: 'pause_session' });
    state.started = false;
    state.starting = false;
    state.mode = 'text';
    return;
  }
  const wasText = state.started;
  if (wasText) send({ action: 'end_session' });
  state.started = false;
  state.mode = 'audio';
  // The server needs a moment to close the text session before the voice one starts (§4.6).
  setTimeout(() => {
    if (send({ action: 'start_session', input_type: 'audio' })) state.starting = true;
  }, wasText ? 1500 : 0);
});

$('#mute-toggle').addEventListener('change', (ev) => player.setMuted(ev.target.checked));

function switchTo(name) {
  stopMic();
  player.clear();
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
  player.unlock();
  const text = input.value.trim();
  if (!text) return;
  if (mic.running) stopMic(); // writing switches back to text mode (the server restarts the session)
  state.mode = 'text';
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
  stopMic();
  player.clear();
  if (send({ action: 'end_session' })) state.started = false;
});

document.addEventListener('neko:language', showName);
showName();
connect();
