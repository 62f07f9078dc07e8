/**
 * The conversation's session (spec §4.6): text messages start a text session and wait for
 * session_started before they go; the microphone ends a text session first, waits, then starts a
 * voice one and captures once it started; stopping the microphone pauses the session. Status
 * effects (another window took over, the provider dropped, a start failed) land here too.
 */
import { errorMessage } from '../core/dom';
import type { MessageKey } from '../core/i18n';
import type { ChatSocket } from './chat-socket.client';
import type { ScreenShare } from './screen-share';
import type { VoiceController } from './voice.controller';

export type SessionState = 'idle' | 'preparing' | 'text' | 'voice';

/** The server needs a moment to close the text session before a voice one (N.E.K.O. waits 1.5 s). */
const TEXT_TO_VOICE_MS = 1500;
/**
 * N.E.K.O.'s page gives up waiting for session_started after 10 s (voice) / 15 s (text). A busy
 * machine or a slow provider can take longer and the server reports real failures itself, so
 * here that is only a "taking longer" note; the page gives up at the second bound.
 */
const SLOW_START_MS = { text: 15_000, voice: 10_000 } as const;
const GIVE_UP_START_MS = 60_000;
/** After 失联 in voice mode the page waits 7.5 s, then starts the voice session again. */
const RESTART_AFTER_LOST_MS = 7500;
/** A 已离开 status this soon after a switch we made is ours, not news. */
const QUIET_LEFT_MS = 3000;

export interface SessionEvents {
  onState(state: SessionState, wanted: 'text' | 'voice' | undefined): void;
  /** Something the user should read. */
  onNotice(key: MessageKey, params: Record<string, string | number>, kind: 'info' | 'warn' | 'error'): void;
  onTyping(on: boolean): void;
}

export class SessionController {
  private state: SessionState = 'idle';
  private wanted: 'text' | 'voice' | undefined;
  private readonly queue: string[] = [];
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private quietLeftUntil = 0;

  constructor(
    private readonly socket: ChatSocket,
    private readonly voice: VoiceController,
    private readonly screen: ScreenShare,
    private readonly events: SessionEvents,
  ) {}

  get current(): SessionState {
    return this.state;
  }

  /** True while the microphone is on or about to be. */
  get voiceWanted(): boolean {
    return this.wanted === 'voice' || this.state === 'voice';
  }

  /** A message from the text box (already shown in the log). */
  sendText(text: string): void {
    this.queue.push(text);
    this.events.onTyping(true);
    if (!this.socket.open) {
      if (this.socket.onHold) this.socket.resume();
      else this.events.onNotice('companion.queuedOffline', {}, 'info');
      return; // goes once connected (onSocketOpen)
    }
    if (this.state === 'voice' || this.wanted === 'voice') {
      this.leaveVoice();
      this.setState('idle', undefined);
    }
    if (this.state === 'text') this.flush();
    else if (this.state === 'idle') this.start('text');
  }

  /** The microphone button. */
  toggleVoice(): void {
    if (this.voiceWanted) {
      this.leaveVoice();
      this.setState('idle', undefined);
      return;
    }
    if (this.socket.onHold) this.socket.resume();
    const fromText = this.state === 'text' || (this.state === 'preparing' && this.wanted === 'text');
    this.wanted = 'voice';
    this.setState('preparing', 'voice');
    if (fromText) {
      this.quiet();
      this.socket.send({ action: 'end_session' });
      this.pendingTimer = setTimeout(() => this.start('voice'), TEXT_TO_VOICE_MS);
    } else {
      this.start('voice');
    }
  }

  /** "Say goodbye": ends the session; the next message or "call her back" starts a new one. */
  end(): void {
    this.leaveVoice(false);
    this.queue.length = 0;
    this.socket.send({ action: 'end_session' });
    this.setState('idle', undefined);
  }

  /** "Call her back": a fresh text session (new_session true). */
  comeBack(): void {
    if (this.socket.onHold) this.socket.resume();
    this.start('text', true);
  }

  onPreparing(mode: string): void {
    this.setState('preparing', mode === 'audio' ? 'voice' : 'text');
  }

  onStarted(mode: string): void {
    clearTimeout(this.startTimer);
    if (mode === 'audio') {
      if (this.wanted !== 'voice') {
        this.quiet();
        this.socket.send({ action: 'pause_session' }); // the user changed their mind meanwhile
        this.setState('idle', undefined);
        return;
      }
      this.setState('voice', undefined);
      this.voice.begin().catch((err: unknown) => {
        this.leaveVoice();
        this.setState('idle', undefined);
        this.events.onNotice(...micProblem(err), 'error');
      });
      return;
    }
    this.setState('text', undefined);
    this.flush();
  }

  /** A status with an effect on the session (see status.messages.ts); answers whether to show it. */
  onEffect(effect: string | undefined): boolean {
    switch (effect) {
      case 'replaced':
        this.socket.hold();
        this.stopAll();
        return true;
      case 'left':
        return Date.now() > this.quietLeftUntil;
      case 'lost': {
        const wasVoice = this.state === 'voice';
        this.stopAll();
        if (wasVoice) {
          this.socket.send({ action: 'end_session' });
          this.wanted = 'voice';
          this.setState('preparing', 'voice');
          this.pendingTimer = setTimeout(() => this.start('voice'), RESTART_AFTER_LOST_MS);
        }
        return true;
      }
      case 'not-configured':
      case 'start-failed':
      case 'start-stopped':
        this.stopAll();
        return true;
      default:
        return true;
    }
  }

  /** auto_close_mic: the server closed the voice session after a long silence. */
  onMicClosedByServer(): void {
    this.voice.end();
    this.setState('idle', undefined);
  }

  onSocketOpen(): void {
    if (this.queue.length > 0) this.start('text');
  }

  /** The socket dropped or moves to another character: nothing is running any more. */
  onSocketGone(): void {
    this.stopAll(false);
  }

  /** The share was switched on or off. */
  onScreenChanged(): void {
    this.voice.syncScreen();
  }

  private start(mode: 'text' | 'voice', newSession = false): void {
    clearTimeout(this.pendingTimer);
    this.wanted = mode;
    const sent = this.socket.send({ action: 'start_session', input_type: mode === 'voice' ? 'audio' : 'text', new_session: newSession });
    if (!sent) {
      this.setState('idle', undefined);
      if (mode === 'voice') this.events.onNotice('companion.micOffline', {}, 'info');
      return;
    }
    this.setState('preparing', mode);
    clearTimeout(this.startTimer);
    this.startTimer = setTimeout(() => {
      if (this.state !== 'preparing') return;
      this.events.onNotice('companion.slowStart', {}, 'info');
      this.startTimer = setTimeout(() => {
        if (this.state !== 'preparing') return;
        this.stopAll();
        this.events.onNotice('companion.status.startTimeout', {}, 'error');
      }, GIVE_UP_START_MS - SLOW_START_MS[mode]);
    }, SLOW_START_MS[mode]);
  }

  private flush(): void {
    while (this.queue.length > 0 && this.state === 'text') {
      const text = this.queue.shift() ?? '';
      if (this.screen.active) this.voice.sendScreenFrame();
      this.socket.send({ action: 'stream_data', data: text, input_type: 'text' });
    }
  }

  /** Stops capturing and pauses the voice session (the server then says 已离开: ours, kept quiet). */
  private leaveVoice(quiet = true): void {
    clearTimeout(this.pendingTimer);
    if (this.wanted === 'voice') this.wanted = undefined;
    const wasRunning = this.state === 'voice' || this.state === 'preparing';
    this.voice.end();
    if (quiet) this.quiet();
    if (wasRunning) this.socket.send({ action: 'pause_session' });
  }

  private stopAll(clearQueue = true): void {
    clearTimeout(this.startTimer);
    clearTimeout(this.pendingTimer);
    this.voice.end();
    if (clearQueue) this.queue.length = 0;
    this.events.onTyping(false);
    this.setState('idle', undefined);
  }

  private quiet(): void {
    this.quietLeftUntil = Date.now() + QUIET_LEFT_MS;
  }

  private setState(state: SessionState, wanted: 'text' | 'voice' | undefined): void {
    this.state = state;
    this.wanted = wanted;
    this.events.onState(state, wanted);
  }
}

function micProblem(err: unknown): [MessageKey, Record<string, string>] {
  const name = err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return ['companion.mic.denied', {}];
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return ['companion.mic.none', {}];
  if (name === 'MicUnavailableError') return ['companion.mic.insecure', {}];
  return ['companion.mic.failed', { error: errorMessage(err) }];
}
