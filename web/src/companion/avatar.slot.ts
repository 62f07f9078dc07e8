/**
 * The avatar on the stage: mounted for the current character, reloaded when the character or its
 * model changes (a newer load wins over an older, slower one), with a loading shimmer and a
 * friendly line when the model cannot be shown.
 */
import { mountAvatar, avatarSourceFor } from '../avatar/avatar.factory';
import { AvatarError, type Avatar } from '../avatar/avatar.port';
import { el, enc, errorMessage } from '../core/dom';
import { t } from '../core/i18n';

export class AvatarSlot {
  private avatar: Avatar | undefined;
  private loads = 0;
  /** The load in flight, if any. Not kept once it is done: aborting it would dispose the avatar on show. */
  private abort: AbortController | undefined;

  constructor(
    private readonly stage: HTMLElement,
    private readonly status: HTMLElement,
  ) {}

  /** The avatar on show, for the lip sync and the emotions. */
  get current(): Avatar | undefined {
    return this.avatar;
  }

  /** Loads (or reloads) the avatar of `name`. Never throws: problems are shown on the stage. */
  async load(name: string): Promise<void> {
    const mine = ++this.loads;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.stage.dataset.loading = 'true';
    this.say(t('companion.avatar.loading'), false);
    try {
      const source = await avatarSourceFor(name);
      if (mine !== this.loads) return;
      const next = await mountAvatar(this.stage, source, { signal: abort.signal });
      if (mine !== this.loads) {
        next.dispose();
        return;
      }
      this.avatar?.dispose();
      this.avatar = next;
      this.say('', false);
    } catch (err) {
      if (mine !== this.loads || abort.signal.aborted) return;
      // The one on show is the previous model (or character): the error stands alone instead.
      this.avatar?.dispose();
      this.avatar = undefined;
      this.say(problem(err), true, name);
      console.warn('avatar', err);
    } finally {
      if (this.abort === abort) this.abort = undefined;
      if (mine === this.loads) delete this.stage.dataset.loading;
    }
  }

  setEmotion(emotion: string): void {
    this.avatar?.setEmotion(emotion);
  }

  /** `name`: an error offers to choose her a model (the models page for that character). */
  private say(text: string, isError: boolean, name?: string): void {
    this.status.hidden = text === '';
    this.status.classList.toggle('is-error', isError);
    this.status.replaceChildren(el('span', { text }));
    if (name !== undefined) this.status.append(el('a', { href: `/l2d?lanlan_name=${enc(name)}`, class: 'button secondary small', 'data-i18n': 'companion.avatar.choose', text: t('companion.avatar.choose') }));
  }
}

function problem(err: unknown): string {
  if (err instanceof AvatarError) {
    if (err.reason === 'webgl-unavailable') return t('companion.avatar.webgl');
    return err.message; // already says which model, why, and what to do (for Cubism 4: where the file goes)
  }
  return t('companion.avatar.failed', { error: errorMessage(err) });
}
