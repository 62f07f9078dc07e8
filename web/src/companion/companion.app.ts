/**
 * The companion page's parts put together: the socket, the session, the log, the voice, the
 * avatar and the agent, and what each server message (spec §4.3, plus the agent's messages)
 * does to them. The page entry (pages/index.ts) wires the buttons.
 */
import { PcmPlayer } from '../audio/pcm.player';
import { startLipSync } from '../avatar/lip-sync';
import { api } from '../core/api';
import { el, enc, latestRequest, must } from '../core/dom';
import { t } from '../core/i18n';
import { leavingPage } from '../core/page';
import { toast } from '../core/toast';
import { AgentHud, parseTask } from './agent-hud.view';
import { AgentSwitch } from './agent-switch.controller';
import { AvatarSlot } from './avatar.slot';
import { ChatLog } from './chat-log.view';
import { ChatSocket, type ConnState, type ServerMessage } from './chat-socket.client';
import { ScreenShare } from './screen-share';
import { SessionController, type SessionState } from './session.controller';
import { describeStatus } from './status.messages';
import { VoiceController } from './voice.controller';

const RELOAD_AFTER_MS = 2500;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export class CompanionApp {
  readonly log = new ChatLog(must('#chat-log'), must('#chat-empty'));
  readonly player = new PcmPlayer(() => toast(t('companion.audio.ogg'), 'warn', 10_000));
  readonly avatar = new AvatarSlot(must('#avatar-stage'), must('#avatar-status'));
  readonly screen: ScreenShare;
  readonly socket: ChatSocket;
  readonly session: SessionController;
  readonly hud = new AgentHud(must('#agent-hud'));
  readonly agent: AgentSwitch;
  /** The lip sync runs for the page's whole life once audio is unlocked. */
  private lipSyncStarted = false;
  private connState: ConnState = 'connecting';
  private retryInMs: number | undefined;
  /**
   * Set by user_activity until her next reply starts: audio of the interrupted reply still on the
   * wire must not sound after the barge-in.
   */
  private bargedIn = false;
  /** Voice mode: between the user_activity of speech_started and the one of speech_stopped. */
  private userSpeaking = false;
  /** Only the latest turn's emotion analysis may change her expression. */
  private readonly emotionTurn = latestRequest();

  constructor(
    private name: string,
    private readonly ui: { onSession(state: SessionState, wanted: 'text' | 'voice' | undefined): void; onScreen(on: boolean): void; onLevel(level: number): void },
  ) {
    this.screen = new ScreenShare(() => {
      ui.onScreen(false);
      this.session.onScreenChanged();
    });
    this.socket = new ChatSocket(name, {
      onMessage: (m) => this.onMessage(m),
      onAudio: (data) => {
        if (!this.bargedIn) this.player.play(data);
      },
      onState: (state, retryInMs) => this.onConn(state, retryInMs),
    });
    const voice = new VoiceController(this.socket, this.screen, (level) => ui.onLevel(level));
    this.session = new SessionController(this.socket, voice, this.screen, {
      onState: (state, wanted) => ui.onSession(state, wanted),
      onNotice: (key, params, kind) => this.log.note(key, params, kind),
      onTyping: (on) => this.log.setTyping(on),
    });
    this.agent = new AgentSwitch(must<HTMLInputElement>('#agent-toggle'), must('#agent-note'), () => this.name);
  }

  get characterName(): string {
    return this.name;
  }

  start(): void {
    this.showName();
    this.socket.connect();
    // The agent's state is read once the avatar is up: its model download is the page's big
    // request, and the agent's answer is not needed before she is on screen.
    void this.avatar
      .load(this.name)
      .then(() => this.agent.refresh())
      .then((up) => (up ? this.hud.seed(this.name) : undefined));
  }

  /** Audio may only start after a gesture: called on the first click or key press. */
  unlockAudio(): void {
    this.player.unlock();
    if (this.lipSyncStarted || !this.player.analyser) return;
    startLipSync(this.player.analyser, () => this.avatar.current);
    this.lipSyncStarted = true;
  }

  /** Follows the conversation to another character (catgirl_switched, character_changed). */
  follow(name: string): void {
    if (name === '' || name === this.name) return;
    if (this.session.voiceWanted) this.socket.send({ action: 'pause_session' });
    this.session.onSocketGone();
    this.player.stop();
    this.hud.clear();
    this.name = name;
    this.socket.switchTo(name);
    // The address names the character the page shows, so a reload stays with her.
    const url = new URL(location.href);
    url.searchParams.delete('lanlan_name');
    if (url.pathname !== '/') url.pathname = `/${enc(name)}`;
    history.replaceState(history.state, '', url);
    this.showName();
    this.log.note('companion.switched', { name }, 'info');
    void this.avatar.load(name);
  }

  /** Re-renders the script-made texts after a language change. */
  retranslate(): void {
    this.showName();
    this.renderConn();
    this.agent.retranslate();
    this.hud.retranslate();
    this.log.retranslate();
  }

  private onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'gemini_response':
        if (m.isNewMessage === true) this.bargedIn = this.userSpeaking = false;
        this.log.appendAi(str(m.text), m.isNewMessage === true);
        break;
      case 'user_transcript':
        this.log.addUser(str(m.text));
        this.log.setTyping(true);
        break;
      case 'user_activity':
        this.player.stop();
        // Text mode: one per message; the old reply's audio still on the wire is dropped until the
        // new reply's first delta. Voice mode: one when the user starts speaking and one when they
        // stop (spec §5.5/§5.6). Audio after the second is the new reply, which can come before its
        // text (the server holds the text until the user's own transcription, up to 3 s): dropping
        // it would cut the start of every voice reply. A missed pair heals at the next isNewMessage.
        if (this.session.current === 'voice') this.bargedIn = this.userSpeaking = !this.userSpeaking;
        else this.bargedIn = true;
        break;
      case 'session_preparing':
        this.session.onPreparing(str(m.input_mode));
        break;
      case 'session_started':
        must('#setup-hint').hidden = true;
        this.userSpeaking = false;
        this.session.onStarted(str(m.input_mode));
        break;
      case 'status':
        this.onStatus(str(m.message));
        break;
      case 'system':
        if (m.data === 'turn end') this.onTurnEnd();
        break;
      case 'catgirl_switched':
        this.follow(str(m.new_catgirl));
        break;
      case 'reload_page':
        toast(t('companion.reloading'), 'info', RELOAD_AFTER_MS + 1000);
        leavingPage();
        setTimeout(() => location.reload(), RELOAD_AFTER_MS);
        break;
      case 'auto_close_mic':
        this.session.onMicClosedByServer();
        this.log.note('companion.micAutoClosed', {}, 'info', str(m.message));
        break;
      case 'repetition_warning':
        toast(t('companion.repetition', { name: str(m.name) || this.name }), 'warn', 8000);
        break;
      case 'expression': {
        const expr = str(m.message);
        if (expr.endsWith('+')) this.avatar.setEmotion(expr.slice(0, -1));
        else if (expr === '-') this.avatar.setEmotion('neutral');
        break;
      }
      case 'screen_share_error':
        toast(t('companion.screen.failed', { error: str(m.message) }), 'error');
        break;
      case 'agent_task_update': {
        const task = parseTask(m.task);
        if (task) this.hud.update(task);
        break;
      }
      case 'agent_notification':
        if (str(m.text) !== '') toast(t('companion.agent.notice', { text: str(m.text) }), m.status === 'failed' ? 'warn' : 'info', 8000);
        break;
      case 'agent_status_update':
        if (m.snapshot && typeof m.snapshot === 'object') this.agent.show(m.snapshot);
        break;
      default:
        break; // pong and messages of newer servers
    }
  }

  private onStatus(raw: string): void {
    const view = describeStatus(raw);
    if (!this.session.onEffect(view.effect)) return;
    if (view.effect === 'not-configured') must('#setup-hint').hidden = false;
    if (view.effect === 'replaced') {
      this.renderConn();
      const here = el('button', { type: 'button', class: 'secondary small', 'data-i18n': 'companion.continueHere', text: t('companion.continueHere'), onclick: () => this.socket.resume() });
      this.log.note(view.key, view.params, view.kind, raw, here);
      return;
    }
    this.log.note(view.key, view.params, view.kind, raw);
  }

  private onTurnEnd(): void {
    const text = this.log.endTurn();
    if (text === '') return;
    const isLatest = this.emotionTurn();
    api
      .post<{ emotion?: unknown; error?: unknown }>('/api/emotion/analysis', { text, lanlan_name: this.name }, { timeoutMs: 15_000 })
      .then((r) => {
        if (isLatest() && typeof r.emotion === 'string' && r.error === undefined) this.avatar.setEmotion(r.emotion);
      })
      .catch(() => undefined); // an expression is a nicety: a failed analysis changes nothing
  }

  private onConn(state: ConnState, retryInMs?: number): void {
    this.connState = state;
    this.retryInMs = retryInMs;
    this.renderConn();
    if (state === 'open') this.session.onSocketOpen();
    if (state === 'closed') {
      this.session.onSocketGone();
      this.player.stop();
    }
  }

  private renderConn(): void {
    const box = must('#conn-state');
    box.dataset.state = this.connState;
    if (this.connState === 'open') box.textContent = t('companion.conn.open');
    else if (this.connState === 'connecting') box.textContent = t('companion.conn.connecting');
    else if (this.socket.onHold) box.textContent = t('companion.conn.elsewhere');
    else if (this.retryInMs !== undefined) box.textContent = t('companion.conn.retry', { seconds: Math.round(this.retryInMs / 1000) });
    else box.textContent = t('companion.conn.closed');
  }

  private showName(): void {
    must('#char-name').textContent = this.name;
    must<HTMLAnchorElement>('#link-model').href = `/l2d?lanlan_name=${enc(this.name)}`;
    must<HTMLAnchorElement>('#link-memory').href = `/memory_browser?lanlan_name=${enc(this.name)}`;
    document.title = `${this.name} · N.E.K.O.`;
  }
}
