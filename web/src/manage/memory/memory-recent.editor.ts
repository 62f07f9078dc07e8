/**
 * Short-term memory (recent_{name}.json): the last exchanges and the running memo the character
 * starts her next conversation with. Lines can be corrected, removed, added, or the conversation
 * cleared while the memo stays; nothing is written until "Save".
 */
import { confirmDialog } from '../../core/dialog';
import { el, latestRequest } from '../../core/dom';
import { t } from '../../core/i18n';
import { guarded, showLoadError, toast } from '../../core/toast';
import { readRecent, saveRecent, type RecentEntry } from './memory.api';

const ROLES: readonly RecentEntry['type'][] = ['human', 'ai', 'system'];

export class RecentEditor {
  private name = '';
  private readonly latest = latestRequest();
  private readonly list = el('div', { class: 'recent-list' });
  private readonly dirty = el('span', { class: 'badge warn', text: t('memory.recent.unsaved'), hidden: true });
  private readonly saveButton = el('button', { type: 'button', 'data-action': 'save-recent', text: t('memory.recent.save') });
  private readonly addButton = el('button', { type: 'button', class: 'secondary small', text: t('memory.recent.add'), onclick: () => this.add() });
  private readonly clearButton = el('button', { type: 'button', class: 'danger small', text: t('memory.recent.clear'), onclick: () => void this.clear() });
  private readonly actions = el('div', { class: 'row recent-actions' }, this.addButton, this.clearButton, el('span', { class: 'grow' }), this.dirty, this.saveButton);

  constructor(
    private readonly root: HTMLElement,
    private readonly explain: HTMLElement,
  ) {
    this.saveButton.addEventListener('click', () => void this.save());
    this.list.addEventListener('input', () => this.markDirty(true));
    window.addEventListener('beforeunload', (ev) => {
      if (this.unsaved) ev.preventDefault();
    });
  }

  /** Edits not saved yet (switching character or leaving would drop them). */
  get unsaved(): boolean {
    return !this.dirty.hidden;
  }

  async load(name: string): Promise<void> {
    this.name = name;
    this.explain.textContent = t('memory.recent.explain', { name });
    const isLatest = this.latest();
    this.root.replaceChildren(el('div', { class: 'skeleton' }));
    try {
      const entries = await readRecent(name);
      if (!isLatest()) return;
      this.list.replaceChildren(...entries.map((e) => this.row(e)));
      this.markDirty(false);
      this.showEmpty();
      this.root.replaceChildren(this.list, this.actions);
    } catch (err) {
      if (isLatest()) showLoadError(this.root, t('memory.loadFailed'), err);
    }
  }

  /** The language changed: rebuild the labels, keeping unsaved edits. */
  relabel(): void {
    if (this.name === '') return;
    this.explain.textContent = t('memory.recent.explain', { name: this.name });
    this.saveButton.textContent = t('memory.recent.save');
    this.addButton.textContent = t('memory.recent.add');
    this.clearButton.textContent = t('memory.recent.clear');
    this.dirty.textContent = t('memory.recent.unsaved');
    const rows = this.entries().map((e) => this.row(e));
    this.list.replaceChildren(...rows);
    this.showEmpty();
  }

  private row(entry: RecentEntry): HTMLElement {
    const role = el('select', { 'aria-label': t('memory.recent.role') }, ROLES.map((r) => el('option', { value: r, text: t(`memory.recent.role.${r}`, { name: this.name }), selected: r === entry.type })));
    const text = el('textarea', { rows: entry.type === 'system' ? 3 : 2, maxlength: 20000, 'aria-label': t('memory.recent.text'), value: entry.text });
    const row = el(
      'div',
      { class: `recent-row from-${entry.type}` },
      role,
      text,
      el('button', { type: 'button', class: 'ghost icon', 'aria-label': t('memory.recent.remove'), title: t('memory.recent.remove'), text: '✕', onclick: () => {
        row.remove();
        this.markDirty(true);
        this.showEmpty();
      } }),
    );
    role.addEventListener('change', () => {
      row.className = `recent-row from-${role.value}`;
      this.markDirty(true);
    });
    return row;
  }

  private entries(): RecentEntry[] {
    return Array.from(this.list.querySelectorAll('.recent-row')).map((row) => ({
      type: (row.querySelector('select')?.value ?? 'human') as RecentEntry['type'],
      text: row.querySelector('textarea')?.value ?? '',
    }));
  }

  private add(): void {
    this.list.querySelector('.empty')?.remove();
    const row = this.row({ type: 'human', text: '' });
    this.list.append(row);
    row.querySelector('textarea')?.focus();
    this.markDirty(true);
  }

  private async clear(): Promise<void> {
    if (!(await confirmDialog(t('memory.recent.clearConfirm', { name: this.name }), { danger: true, okText: t('memory.recent.clear') }))) return;
    for (const row of Array.from(this.list.querySelectorAll('.recent-row'))) if (row.querySelector('select')?.value !== 'system') row.remove();
    this.markDirty(true);
    this.showEmpty();
  }

  private async save(): Promise<void> {
    const entries = this.entries().filter((e) => e.text.trim() !== '');
    await guarded(
      t('memory.recent.saveFailed'),
      async () => {
        await saveRecent(this.name, entries);
        this.markDirty(false);
        toast(t('memory.recent.saved'), 'ok');
      },
      this.saveButton,
    );
  }

  private showEmpty(): void {
    const empty = this.list.querySelector('.recent-row') === null;
    if (empty && !this.list.querySelector('.empty')) this.list.append(el('p', { class: 'empty', text: t('memory.recent.empty') }));
  }

  private markDirty(on: boolean): void {
    this.dirty.hidden = !on;
  }
}
