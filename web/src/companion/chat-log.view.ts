/**
 * The conversation in `#chat-log`: user and character bubbles (`.bubble.user` / `.bubble.ai`,
 * streamed text appended to the last one), quiet status lines, a typing indicator while she
 * thinks. It follows new text unless the user scrolled up to read; then a "latest" button appears.
 */
import { el } from '../core/dom';
import { currentLanguage, t, type MessageKey } from '../core/i18n';
import type { StatusKind } from './status.messages';

/** Closer than this to the bottom counts as "reading the latest". */
const STICK_PX = 48;
/** A page left open for days must not grow without end: older lines are dropped (memory keeps them). */
const MAX_LINES = 400;

export class ChatLog {
  private current: HTMLElement | undefined;
  private lastAi: HTMLElement | undefined;
  private readonly typing: HTMLElement;
  private readonly jump: HTMLButtonElement;
  private stick = true;
  /** Status lines with their message, to say them again in another language. */
  private readonly notes: { readonly span: HTMLElement; readonly key: MessageKey; readonly params: Record<string, string | number> }[] = [];

  constructor(
    private readonly log: HTMLElement,
    private readonly empty: HTMLElement,
  ) {
    this.typing = el('div', { class: 'msg msg-ai typing', 'aria-hidden': 'true' }, el('div', { class: 'typing-dots' }, el('i'), el('i'), el('i')));
    this.typing.hidden = true;
    this.jump = el('button', { type: 'button', class: 'chat-jump small', 'data-i18n': 'companion.latest', text: t('companion.latest'), onclick: () => this.toBottom() });
    this.jump.hidden = true;
    log.after(this.jump);
    log.append(this.typing);
    log.addEventListener('scroll', () => {
      this.stick = log.scrollHeight - log.scrollTop - log.clientHeight < STICK_PX;
      if (this.stick) this.jump.hidden = true;
    });
  }

  addUser(text: string): void {
    this.add('user', text);
    this.current = undefined;
  }

  /** A gemini_response delta: `isNew` (or no open bubble) starts a new bubble. */
  appendAi(text: string, isNew: boolean): void {
    this.setTyping(false);
    if (isNew || !this.current) {
      this.current = this.add('ai', text);
      this.lastAi = this.current;
    } else {
      this.current.textContent += text;
      this.follow();
    }
  }

  /**
   * turn end: the next delta starts a new bubble. Answers what she said this turn (for the emotion
   * analysis), '' when she said nothing: an earlier turn's text is not analysed again.
   */
  endTurn(): string {
    const said = this.lastAi?.textContent?.trim() ?? '';
    this.lastAi = undefined;
    this.current = undefined;
    this.setTyping(false);
    return said;
  }

  /** A status line; `raw` is the server's own text, shown as a tooltip. */
  note(key: MessageKey, params: Record<string, string | number>, kind: StatusKind, raw?: string, action?: HTMLElement): void {
    const text = t(key, params);
    const span = el('span', { text });
    const line = el('div', { class: `chat-note ${kind}`, role: kind === 'error' ? 'alert' : null, title: raw && raw !== text ? raw : null }, span);
    if (action) line.append(action);
    this.notes.push({ span, key, params });
    this.insert(line);
  }

  /** Says the status lines again after a language change (bubbles are what was said: they stay). */
  retranslate(): void {
    for (const { span, key, params } of this.notes) span.textContent = t(key, params);
  }

  setTyping(on: boolean): void {
    this.typing.hidden = !on;
    if (on) {
      this.log.append(this.typing);
      this.follow();
    }
  }

  private add(kind: 'user' | 'ai', text: string): HTMLElement {
    const bubble = el('div', { class: `bubble ${kind}`, text });
    const now = new Date();
    const time = el('time', {
      class: 'msg-time',
      datetime: now.toISOString(),
      text: now.toLocaleTimeString(currentLanguage(), { hour: '2-digit', minute: '2-digit' }),
    });
    this.insert(el('div', { class: `msg msg-${kind}` }, bubble, time));
    return bubble;
  }

  private insert(node: HTMLElement): void {
    this.empty.hidden = true;
    this.log.insertBefore(node, this.typing);
    while (this.log.childElementCount > MAX_LINES + 1) {
      const oldest = this.log.firstElementChild;
      if (!oldest || oldest === this.typing) break;
      oldest.remove();
      const note = this.notes.findIndex((n) => oldest.contains(n.span));
      if (note >= 0) this.notes.splice(note, 1);
    }
    this.follow();
  }

  private follow(): void {
    if (this.stick) this.toBottom();
    else this.jump.hidden = false;
  }

  private toBottom(): void {
    this.log.scrollTop = this.log.scrollHeight;
    this.stick = true;
    this.jump.hidden = true;
  }
}
