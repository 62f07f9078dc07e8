/**
 * Companion page (`/`, `/{lanlan_name}`): the avatar, the chat and the floating controls. The
 * parts live in web/src/companion/; this wires the page's buttons, keys and cross-window messages.
 */
import { CompanionApp } from '../companion/companion.app';
import type { SessionState } from '../companion/session.controller';
import { ScreenShareUnavailableError } from '../companion/screen-share';
import { errorMessage, must } from '../core/dom';
import { onLanguageChange, t, type MessageKey } from '../core/i18n';
import { bootPage, pageData } from '../core/page';
import { onPageMessage } from '../core/page-bus';
import { toast } from '../core/toast';

const MUTE_KEY = 'neko.muteVoice';
const SESSION_KEY: Record<SessionState, MessageKey> = {
  idle: 'companion.session.idle',
  preparing: 'companion.session.preparing',
  text: 'companion.session.text',
  voice: 'companion.session.voice',
};

function setPressed(button: HTMLElement, on: boolean, labelKey: MessageKey): void {
  button.setAttribute('aria-pressed', String(on));
  button.dataset.i18nAria = labelKey;
  button.dataset.i18nTitle = labelKey;
  button.setAttribute('aria-label', t(labelKey));
  button.title = t(labelKey);
}

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

bootPage(() => {
  const data = pageData();
  const name = data.lanlanName || data.currentName;
  const micButton = must<HTMLButtonElement>('#mic-toggle');
  const screenButton = must<HTMLButtonElement>('#screen-toggle');
  const muteButton = must<HTMLButtonElement>('#mute-toggle');
  const endButton = must<HTMLButtonElement>('#end-toggle');
  const sessionState = must('#session-state');
  const input = must<HTMLTextAreaElement>('#chat-input');
  const form = must<HTMLFormElement>('#chat-form');
  let lastSession: SessionState = 'idle';

  if (name === '') {
    must('#no-character').hidden = false;
    const conn = must('#conn-state');
    conn.dataset.state = 'closed';
    const describe = () => {
      conn.textContent = t('companion.conn.noCharacter');
      sessionState.textContent = t(SESSION_KEY.idle); // the markup's placeholder is English
    };
    describe();
    onLanguageChange(describe);
    for (const control of [micButton, screenButton, endButton, must<HTMLButtonElement>('#chat-send'), input]) control.disabled = true;
    return;
  }

  const app = new CompanionApp(name, {
    onSession(state, wanted) {
      lastSession = state;
      sessionState.dataset.state = state;
      sessionState.textContent = t(SESSION_KEY[state]);
      const micOn = state === 'voice' || wanted === 'voice';
      setPressed(micButton, micOn, micOn ? 'companion.mic.stop' : 'companion.mic.start');
      micButton.dataset.state = state === 'preparing' && wanted === 'voice' ? 'starting' : micOn ? 'on' : 'off';
      if (state !== 'idle') setAway(false);
    },
    onScreen(on) {
      setPressed(screenButton, on, on ? 'companion.screen.stop' : 'companion.screen.start');
    },
    onLevel(level) {
      micButton.style.setProperty('--level', Math.min(1, level * 4).toFixed(3));
    },
  });

  const setAway = (away: boolean) => {
    must('#companion').classList.toggle('is-away', away);
    setPressed(endButton, away, away ? 'companion.comeBack' : 'companion.sayGoodbye');
  };

  // Audio may start only after a gesture: the first click or key unlocks it.
  const unlock = () => app.unlockAudio();
  document.addEventListener('pointerdown', unlock, { capture: true });
  document.addEventListener('keydown', unlock, { capture: true });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    app.unlockAudio();
    app.player.stop();
    app.log.addUser(text);
    input.value = '';
    fitInput();
    setAway(false);
    app.session.sendText(text);
  });
  input.addEventListener('keydown', (ev) => {
    // Enter while an IME is composing confirms the candidate; it must not send.
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  const fitInput = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  };
  input.addEventListener('input', fitInput);

  micButton.addEventListener('click', () => {
    app.unlockAudio();
    app.player.stop();
    app.session.toggleVoice();
  });

  screenButton.addEventListener('click', () => {
    if (app.screen.active) {
      app.screen.stop();
      setPressed(screenButton, false, 'companion.screen.start');
      app.session.onScreenChanged();
      return;
    }
    app.screen
      .start()
      .then(() => {
        setPressed(screenButton, true, 'companion.screen.stop');
        app.session.onScreenChanged();
        toast(t(lastSession === 'voice' ? 'companion.screen.onVoice' : 'companion.screen.onText'), 'ok');
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'NotAllowedError') return; // the user said no
        toast(err instanceof ScreenShareUnavailableError ? t('companion.screen.unavailable') : t('companion.screen.failed', { error: errorMessage(err) }), 'error');
      });
  });

  muteButton.addEventListener('click', () => {
    const muted = muteButton.getAttribute('aria-pressed') !== 'true';
    app.player.setMuted(muted);
    setPressed(muteButton, muted, muted ? 'companion.unmute' : 'companion.mute');
    try {
      localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
    } catch {
      // storage disabled: the choice lasts for this page
    }
  });
  const muted = readMuted();
  app.player.setMuted(muted);
  setPressed(muteButton, muted, muted ? 'companion.unmute' : 'companion.mute');

  endButton.addEventListener('click', () => {
    app.unlockAudio();
    app.player.stop();
    if (endButton.getAttribute('aria-pressed') === 'true') {
      setAway(false);
      app.session.comeBack();
    } else {
      app.session.end();
      setAway(true);
    }
  });

  const sheet = must('#chat-panel');
  must('#sheet-handle').addEventListener('click', () => {
    const open = sheet.classList.toggle('sheet-open');
    must('#sheet-handle').setAttribute('aria-expanded', String(open));
  });

  onPageMessage((message) => {
    const target = typeof message.name === 'string' ? message.name : '';
    if (message.action === 'character_changed') app.follow(target);
    else if ((message.action === 'model_changed' && (target === '' || target === app.characterName)) || message.action === 'reload_model_parameters') void app.avatar.load(app.characterName);
  });
  onLanguageChange(() => {
    sessionState.textContent = t(SESSION_KEY[lastSession]);
    app.retranslate();
  });

  setPressed(screenButton, false, 'companion.screen.start');
  setAway(false);
  sessionState.textContent = t(SESSION_KEY[lastSession]); // the markup's placeholder is English
  app.start();
  input.focus({ preventScroll: true });
});
