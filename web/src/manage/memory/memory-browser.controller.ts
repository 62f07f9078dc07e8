/**
 * The memory browser's parts for one character at a time: the timeline and the search share
 * #mem-timeline, the review switch and the short-term memory editor sit beside them.
 */
import { must } from '../../core/dom';
import { t } from '../../core/i18n';
import { RecentEditor } from './memory-recent.editor';
import { ReviewSwitch } from './memory-review.view';
import { MemorySearch } from './memory-search.view';
import { MemoryTimeline } from './memory-timeline.view';

export class MemoryBrowser {
  private name = '';
  private readonly intro = must('#mem-intro');
  private readonly timeline = new MemoryTimeline(must('#mem-timeline'));
  private readonly search = new MemorySearch(must<HTMLInputElement>('#mem-search'), must('#mem-timeline'), this.timeline, () => this.name);
  private readonly review = new ReviewSwitch(must<HTMLInputElement>('#mem-review'), must('#mem-review-explain'));
  private readonly recent = new RecentEditor(must('#mem-recent-body'), must('#mem-recent-explain'));

  constructor() {
    void this.review.load();
  }

  /** Shows `name`'s memories ('' = no character yet). */
  async show(name: string): Promise<void> {
    this.name = name;
    this.describe();
    if (name === '') {
      must('#mem-timeline').replaceChildren();
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
    if (this.search.active) this.search.rerender();
    else this.timeline.show();
  }

  private describe(): void {
    this.intro.textContent = this.name ? t('memory.intro', { name: this.name }) : t('memory.introNone');
    this.review.describe(this.name);
  }
}
