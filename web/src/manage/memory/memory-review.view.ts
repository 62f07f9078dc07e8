/**
 * The automatic memory review switch (core_config recent_memory_auto_review, read by the memory
 * server), with what it does in plain words. It applies to every character.
 */
import { t } from '../../core/i18n';
import { showError, toast } from '../../core/toast';
import { readReview, saveReview } from './memory.api';

export class ReviewSwitch {
  constructor(
    private readonly toggle: HTMLInputElement,
    private readonly explain: HTMLElement,
  ) {
    toggle.addEventListener('change', () => void this.set(toggle.checked));
  }

  /** Loads the setting; the switch stays disabled when it cannot be read. */
  async load(): Promise<void> {
    this.toggle.disabled = true;
    try {
      this.toggle.checked = await readReview();
      this.toggle.disabled = false;
    } catch (err) {
      showError(t('memory.review.failed'), err);
    }
  }

  /** The explanation names the character shown. */
  describe(name: string): void {
    this.explain.textContent = t('memory.review.explain', { name: name || t('page.memory') });
  }

  private async set(wanted: boolean): Promise<void> {
    this.toggle.disabled = true;
    try {
      this.toggle.checked = await saveReview(wanted);
      toast(t(this.toggle.checked ? 'memory.review.on' : 'memory.review.off'), 'ok');
    } catch (err) {
      // Not saved: show the setting as it still is.
      this.toggle.checked = !wanted;
      showError(t('memory.review.failed'), err);
    } finally {
      this.toggle.disabled = false;
    }
  }
}
