/**
 * Search as you type over a character's memories: 250 ms after the last key the query goes out,
 * the previous request is aborted, and an answer that is no longer the latest never renders.
 * Results take the timeline's place; an empty box brings the timeline back.
 */
import { debounce, el, latestRequest } from '../../core/dom';
import { t } from '../../core/i18n';
import { showLoadError } from '../../core/toast';
import { memoryItemView } from './memory-item.view';
import { searchMemories, type MemoryItem } from './memory.api';
import type { MemoryTimeline } from './memory-timeline.view';

const DEBOUNCE_MS = 250;

export class MemorySearch {
  private readonly latest = latestRequest();
  private controller: AbortController | undefined;
  private results: MemoryItem[] = [];
  private query = '';

  constructor(
    private readonly input: HTMLInputElement,
    private readonly root: HTMLElement,
    private readonly timeline: MemoryTimeline,
    private readonly name: () => string,
  ) {
    const later = debounce(() => void this.run(), DEBOUNCE_MS);
    input.addEventListener('input', () => {
      // Typing shows "searching" at once (older results must not look like answers to the new
      // words); clearing waits for the pause too, so select-all + retype does not flash the timeline.
      if (input.value.trim() !== '') this.searching(input.value.trim());
      later();
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && input.value !== '') {
        input.value = '';
        void this.run();
      }
    });
  }

  get active(): boolean {
    return this.query !== '';
  }

  /** Runs the box's query again (after the character changed). */
  refresh(): void {
    void this.run();
  }

  /** Re-renders the shown results (the language changed). */
  rerender(): void {
    if (this.active) this.render();
  }

  /** Drops any answer on its way and shows that `q` is being looked up. */
  private searching(q: string): () => boolean {
    const isLatest = this.latest();
    this.controller?.abort();
    this.controller = undefined;
    this.timeline.hide();
    this.query = q;
    this.root.setAttribute('aria-busy', 'true');
    this.root.replaceChildren(this.heading(t('memory.searching')), el('div', { class: 'memory-skeleton' }, el('div', { class: 'skeleton' }), el('div', { class: 'skeleton' })));
    return isLatest;
  }

  private async run(): Promise<void> {
    const q = this.input.value.trim();
    if (q === '') {
      this.latest();
      this.controller?.abort();
      this.controller = undefined;
      this.query = '';
      this.root.removeAttribute('aria-busy');
      this.timeline.show();
      return;
    }
    const isLatest = this.searching(q);
    const controller = new AbortController();
    this.controller = controller;
    try {
      const results = await searchMemories(this.name(), q, controller.signal);
      if (!isLatest()) return;
      this.results = results;
      this.render();
    } catch (err) {
      if (isLatest() && !controller.signal.aborted) showLoadError(this.root, t('memory.searchFailed'), err);
    } finally {
      if (isLatest()) this.root.removeAttribute('aria-busy');
    }
  }

  private heading(count: string): HTMLElement {
    return el(
      'div',
      { class: 'mem-results-head' },
      el('h2', { text: t('memory.results', { query: this.query }) }),
      el('span', { class: 'hint', text: count }),
      el('button', { type: 'button', class: 'ghost small', text: t('memory.backToTimeline'), onclick: () => this.clear() }),
    );
  }

  private clear(): void {
    this.input.value = '';
    void this.run();
    this.input.focus();
  }

  private render(): void {
    const terms = this.query.split(/\s+/).filter(Boolean);
    if (this.results.length === 0) {
      this.root.replaceChildren(
        this.heading(t('memory.resultCount', { count: 0 })),
        el('div', { class: 'empty' }, el('span', { class: 'empty-icon', 'aria-hidden': 'true', text: '🔍' }), el('p', { text: t('memory.nothingFound', { query: this.query }) })),
      );
      return;
    }
    const onForgotten = (gone: MemoryItem) => {
      this.results = this.results.filter((r) => !(r.kind === gone.kind && r.id === gone.id));
      this.timeline.forget(gone);
      if (this.results.length === 0) this.render();
      else this.root.querySelector('.mem-results-head .hint')?.replaceChildren(t('memory.resultCount', { count: this.results.length }));
    };
    this.root.replaceChildren(
      this.heading(t('memory.resultCount', { count: this.results.length })),
      el('div', { class: 'memory-day-items' }, this.results.map((item) => memoryItemView(item, { name: this.name(), terms, withDate: true, onForgotten, onEdited: (i) => this.timeline.edited(i) }))),
    );
  }
}
