/**
 * The live preview #model-preview: the selected model drawn by the same avatar code as the
 * companion page, buttons to try each emotion and a mouth test, and plain words when it fails.
 */
import { $$, errorMessage } from '../../core/dom';
import { t } from '../../core/i18n';
import { mountAvatar } from '../../avatar/avatar.factory';
import { AvatarError, type Avatar } from '../../avatar/avatar.port';
import { sourceOf, type ModelCard } from './model-catalog.service';
import { displayName } from './model-gallery.view';

const MOUTH_TEST_MS = 2400;

/** Why a model cannot be shown, in words that say what to do. */
function explainAvatarError(err: unknown): string {
  if (err instanceof AvatarError) {
    if (err.reason === 'webgl-unavailable') return t('models.error.webgl');
    // The avatar code words the other failures itself: which model, why, and for a missing
    // Cubism Core the exact place the server looks for it (GET /api/live2d/cubism_core).
    return err.message;
  }
  return t('models.error.load', { message: errorMessage(err) });
}

export class ModelPreview {
  private avatar: Avatar | undefined;
  private loading: AbortController | undefined;
  private mouthFrame = 0;
  /** The status line as a function, so it can be re-said in another language. */
  private message: () => string = () => t('models.previewEmpty');

  constructor(
    private readonly stage: HTMLElement,
    private readonly status: HTMLElement,
    private readonly tools: HTMLElement,
  ) {
    for (const button of $$<HTMLButtonElement>('[data-emotion]', tools)) {
      button.addEventListener('click', () => this.avatar?.setEmotion(button.dataset.emotion ?? 'neutral'));
    }
    $$<HTMLButtonElement>('[data-action=mouth-test]', tools).forEach((b) => b.addEventListener('click', () => this.mouthTest()));
    this.setTools(false);
    this.say(() => t('models.previewEmpty'), 'empty');
  }

  /** Re-says the status line after the language changed. */
  relabel(): void {
    this.status.textContent = this.message();
  }

  /** Shows `card`, replacing whatever was shown (a slower earlier load is dropped). */
  async show(card: ModelCard): Promise<void> {
    this.clear();
    const loading = new AbortController();
    this.loading = loading;
    this.say(() => t('models.previewLoading', { name: displayName(card) }), 'loading');
    try {
      const avatar = await mountAvatar(this.stage, sourceOf(card), { preview: true, signal: loading.signal });
      if (loading.signal.aborted) {
        avatar.dispose();
        avatar.canvas.remove();
        return;
      }
      this.avatar = avatar;
      this.stage.dataset.previewKind = card.kind;
      this.say(() => '', 'ready');
      this.setTools(true);
    } catch (err) {
      if (loading.signal.aborted) return;
      console.warn('preview failed', err);
      this.say(() => explainAvatarError(err), 'error');
    }
  }

  /** Empties the preview (no model selected). */
  showNothing(): void {
    this.clear();
    this.say(() => t('models.previewEmpty'), 'empty');
  }

  private clear(): void {
    this.loading?.abort();
    this.loading = undefined;
    cancelAnimationFrame(this.mouthFrame);
    if (this.avatar) {
      this.avatar.dispose();
      this.avatar.canvas.remove();
      this.avatar = undefined;
    }
    delete this.stage.dataset.previewKind;
    this.setTools(false);
  }

  private say(message: () => string, state: 'loading' | 'ready' | 'error' | 'empty'): void {
    this.message = message;
    this.status.textContent = message();
    this.status.dataset.state = state;
    this.status.hidden = state === 'ready';
  }

  private setTools(enabled: boolean): void {
    for (const button of $$<HTMLButtonElement>('button', this.tools)) button.disabled = !enabled;
  }

  /** Opens and closes the mouth like speech for a moment (what lip sync will do with real audio). */
  private mouthTest(): void {
    const avatar = this.avatar;
    if (!avatar) return;
    cancelAnimationFrame(this.mouthFrame);
    const start = performance.now();
    const step = (now: number) => {
      const elapsed = now - start;
      if (elapsed >= MOUTH_TEST_MS || this.avatar !== avatar) {
        avatar.setMouth(0);
        return;
      }
      // Two overlapping rhythms read as syllables rather than a metronome.
      avatar.setMouth(Math.min(1, Math.abs(Math.sin(elapsed / 90)) * (0.55 + 0.45 * Math.abs(Math.sin(elapsed / 370)))));
      this.mouthFrame = requestAnimationFrame(step);
    };
    this.mouthFrame = requestAnimationFrame(step);
  }
}
