// Memory browser: a character's memories as a day-by-day timeline, search as you type, edit and
// forget, the automatic review switch, and the short-term memory editor.
import { confirmDialog } from '../core/dialog';
import { el, fillSelect, must } from '../core/dom';
import { onLanguageChange, t } from '../core/i18n';
import { bootPage, pageData } from '../core/page';
import { showError, showLoadError, toast } from '../core/toast';
import { loadCharacters, pickCharacter, type Characters } from '../manage/editors/pickers.request';
import { readReview, saveReview } from '../manage/memory/memory.api';
import { RecentEditor } from '../manage/memory/memory-recent.editor';
import { MemorySearch } from '../manage/memory/memory-search.view';
import { MemoryTimeline } from '../manage/memory/memory-timeline.view';

/**
 * The automatic memory review switch (core_config recent_memory_auto_review, read by the memory
 * server), with what it does in plain words. It applies to every character.
 */
class ReviewSwitch {
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
    this.explain.textContent = t('memory.review.explain', { name: name || t('memory.review.someone') });
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

/**
 * The page's parts for one character at a time: the timeline and the search share #mem-timeline,
 * the review switch and the short-term memory editor sit beside them.
 */
class MemoryBrowser {
  private name = '';
  private readonly intro = must('#mem-intro');
  private readonly timeline = new MemoryTimeline(must('#mem-timeline'));
  private readonly search = new MemorySearch(must<HTMLInputElement>('#mem-search'), must('#mem-timeline'), this.timeline, () => this.name);
  private readonly review = new ReviewSwitch(must<HTMLInputElement>('#mem-review'), must('#mem-review-explain'));
  private readonly recent = new RecentEditor(must('#mem-recent-body'), must('#mem-recent-explain'));

  constructor() {
    void this.review.load();
  }

  /** The short-term memory has edits not saved. */
  get unsaved(): boolean {
    return this.recent.unsaved;
  }

  /** Shows `name`'s memories ('' = no character yet). */
  async show(name: string): Promise<void> {
    this.name = name;
    this.describe();
    if (name === '') {
      must('#mem-timeline').replaceChildren(el('p', { class: 'empty', text: t('memory.noCharacters') }));
      return;
    }
    // The search box keeps its words: the same question is asked of the new character.
    if (this.search.active) this.search.refresh();
    await Promise.all([this.recent.load(name), this.timeline.load(name)]);
  }

  /** The language changed: text made by scripts is rebuilt. */
  relabel(): void {
    this.describe();
    this.recent.relabel();
    this.timeline.relabel(); // also while hidden behind search results: clearing the search shows it
    if (this.search.active) this.search.rerender();
  }

  private describe(): void {
    this.intro.textContent = this.name ? t('memory.intro', { name: this.name }) : t('memory.introNone');
    this.review.describe(this.name);
  }
}

bootPage(async () => {
  const select = must<HTMLSelectElement>('#mem-character');
  const parts = new MemoryBrowser();
  let characters: Characters;
  try {
    characters = await loadCharacters();
  } catch (err) {
    const timeline = must('#mem-timeline');
    timeline.removeAttribute('aria-busy');
    showLoadError(timeline, t('memory.loadFailed'), err);
    select.disabled = true;
    return;
  }
  if (pickCharacter(select, characters, pageData().lanlanName) === '') fillSelect(select, [{ value: '', label: t('memory.noCharacters') }]);
  let shown = select.value;
  const switchTo = async (name: string) => {
    if (parts.unsaved && !(await confirmDialog(t('memory.recent.discardConfirm', { name: shown }), { danger: true, okText: t('memory.recent.discard') }))) {
      select.value = shown;
      return;
    }
    shown = name;
    const url = new URL(location.href);
    url.searchParams.set('lanlan_name', name);
    history.replaceState(history.state, '', url);
    await parts.show(name);
  };
  select.addEventListener('change', () => void switchTo(select.value));
  onLanguageChange(() => parts.relabel());
  await parts.show(select.value);
});
