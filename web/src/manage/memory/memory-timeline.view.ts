/**
 * A character's memories newest first, grouped by day: turns, summaries and facts merged in time
 * order. Each kind is paged separately; only items newer than every kind's oldest loaded item are
 * shown, so a later page can never slot in above something already on screen.
 */
import { el, latestRequest } from '../../core/dom';
import { currentLanguage, t } from '../../core/i18n';
import { showError, showLoadError } from '../../core/toast';
import { memoryItemView } from './memory-item.view';
import { fetchPage, MEMORY_KINDS, memoryDate, type MemoryItem, type MemoryKind } from './memory.api';

const PAGE = 40;

interface KindState {
  items: MemoryItem[];
  offset: number;
  done: boolean;
}

const sortKey = (item: MemoryItem) => memoryDate(item.timestamp)?.getTime() ?? -Infinity;

function dayLabel(date: Date | undefined): string {
  if (!date) return t('memory.undated');
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const today = new Date();
  const todayStart = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
  if (day === todayStart) return t('memory.today');
  if (day === todayStart - 86_400_000) return t('memory.yesterday');
  const sameYear = date.getFullYear() === today.getFullYear();
  return date.toLocaleDateString(currentLanguage(), { weekday: 'short', month: 'long', day: 'numeric', year: sameYear ? undefined : 'numeric' });
}

export class MemoryTimeline {
  private name = '';
  private kinds = new Map<MemoryKind, KindState>();
  /** Each item's element, reused by every render: a memory being edited keeps its open textarea when a page loads. */
  private nodes = new Map<MemoryItem, HTMLElement>();
  private readonly latest = latestRequest();
  private loading = false;
  /** False while search results use the same place on the page. */
  private shown = true;
  private readonly list = el('div', { class: 'memory-days' });
  private readonly more = el('button', { type: 'button', class: 'secondary', id: 'mem-more', text: t('memory.loadMore'), onclick: () => void this.loadMore() });
  private readonly end = el('p', { class: 'hint mem-end', text: t('memory.theEnd') });

  constructor(private readonly root: HTMLElement) {
    // Scrolling near the end loads the next page by itself; the button stays for keyboards.
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && this.root.isConnected && !this.more.hidden) void this.loadMore();
    }, { rootMargin: '300px' }).observe(this.more);
  }

  /** Starts over for `name`. */
  async load(name: string): Promise<void> {
    this.name = name;
    this.kinds = new Map(MEMORY_KINDS.map((k) => [k, { items: [], offset: 0, done: false }]));
    this.nodes = new Map();
    if (this.shown) {
      this.root.setAttribute('aria-busy', 'true');
      this.root.replaceChildren(el('div', { class: 'memory-skeleton' }, ...[1, 2, 3].map(() => el('div', { class: 'skeleton' }))));
    }
    this.loading = false;
    await this.loadMore(true);
  }

  /** Shows the cached timeline again (after a search was cleared). */
  show(): void {
    this.shown = true;
    this.render();
  }

  /**
   * The language changed: items are rebuilt in it, except those being edited (their text would be
   * lost). While search results are shown, only the cache is dropped: `show()` renders it later.
   */
  relabel(): void {
    for (const [item, node] of this.nodes) if (!node.querySelector('.memory-edit')) this.nodes.delete(item);
    this.render();
  }

  /** A memory was corrected elsewhere (search results hold their own copies). */
  edited(item: MemoryItem): void {
    const mine = this.kinds.get(item.kind)?.items.find((i) => i.id === item.id);
    if (!mine || mine.text === item.text) return;
    mine.text = item.text;
    this.nodes.delete(mine);
  }

  /** Search results take the place: loads still finish, but render nothing. */
  hide(): void {
    this.shown = false;
  }

  /** A memory was forgotten elsewhere (search): drop it here too. */
  forget(item: MemoryItem): void {
    const state = this.kinds.get(item.kind);
    const mine = state?.items.find((i) => i.id === item.id);
    if (!state || !mine) return;
    state.items = state.items.filter((i) => i !== mine);
    this.nodes.delete(mine);
    // The server's list shrank by one: the next page starts one earlier, else an item is skipped.
    state.offset = Math.max(0, state.offset - 1);
    // Drops a day heading left with no items, or shows the empty state after the last one.
    this.render();
  }

  private async loadMore(first = false): Promise<void> {
    if (this.loading || (!first && this.pending().length === 0)) return;
    this.loading = true;
    const isLatest = this.latest();
    const name = this.name;
    this.more.disabled = true;
    this.more.textContent = t('memory.loadingMore');
    try {
      await Promise.all(
        this.pending().map(async ([kind, state]) => {
          const page = await fetchPage(name, kind, state.offset, PAGE);
          if (!isLatest()) return;
          state.items.push(...page.items);
          state.offset += PAGE;
          state.done = state.offset >= page.total;
        }),
      );
      if (isLatest()) this.render();
    } catch (err) {
      // A later page failing keeps what is on screen (the button tries again); a first one has nothing to keep.
      if (isLatest() && this.shown) {
        if (first) showLoadError(this.root, t('memory.loadFailed'), err);
        else showError(t('memory.loadFailed'), err);
      }
    } finally {
      if (isLatest()) {
        this.loading = false;
        this.more.disabled = false;
        this.more.textContent = t('memory.loadMore');
        this.root.removeAttribute('aria-busy');
      }
    }
  }

  private pending(): [MemoryKind, KindState][] {
    return [...this.kinds].filter(([, s]) => !s.done);
  }

  /** Items safe to show: not older than the oldest loaded item of a kind that has more pages. */
  private visible(): MemoryItem[] {
    const frontier = Math.max(-Infinity, ...this.pending().map(([, s]) => (s.items.length ? sortKey(s.items[s.items.length - 1] as MemoryItem) : Infinity)));
    return [...this.kinds.values()]
      .flatMap((s) => s.items)
      .filter((i) => sortKey(i) >= frontier && i.text.trim() !== '')
      .sort((a, b) => sortKey(b) - sortKey(a) || b.id - a.id);
  }

  private render(): void {
    if (!this.shown) return;
    const items = this.visible();
    const hasMore = this.pending().length > 0;
    this.more.hidden = !hasMore;
    if (!this.loading) this.more.textContent = t('memory.loadMore');
    this.end.textContent = t('memory.theEnd');
    if (items.length === 0 && !hasMore) {
      this.root.replaceChildren(
        el('div', { class: 'empty' }, el('span', { class: 'empty-icon', 'aria-hidden': 'true', text: '🌱' }), el('strong', { text: t('memory.emptyTitle') }), el('p', { text: t('memory.empty', { name: this.name }) })),
      );
      return;
    }
    const days: HTMLElement[] = [];
    let current: { label: string; list: HTMLElement } | undefined;
    for (const item of items) {
      const label = dayLabel(memoryDate(item.timestamp));
      if (current?.label !== label) {
        current = { label, list: el('div', { class: 'memory-day-items' }) };
        days.push(el('section', { class: 'memory-day' }, el('h3', { class: 'memory-day-label', text: label }), current.list));
      }
      let node = this.nodes.get(item);
      if (!node) {
        node = memoryItemView(item, { name: this.name, onForgotten: (gone) => this.forget(gone) });
        this.nodes.set(item, node);
      }
      current.list.append(node);
    }
    this.list.replaceChildren(...days);
    this.root.replaceChildren(this.list, el('div', { class: 'mem-foot' }, this.more, hasMore ? null : this.end));
  }
}
