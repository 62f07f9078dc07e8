/**
 * One memory in the timeline or the search results: when, who, what; "Edit" opens an inline
 * textarea (PATCH on save), "Forget" asks first, then removes it with a short fade.
 */
import { confirmDialog } from '../../core/dialog';
import { el } from '../../core/dom';
import { currentLanguage, t } from '../../core/i18n';
import { guarded, toast } from '../../core/toast';
import { editMemory, forgetMemory, memoryDate, type MemoryItem } from './memory.api';

export interface ItemContext {
  /** The character whose memory this is. */
  readonly name: string;
  /** Words to highlight (search). */
  readonly terms?: readonly string[];
  /** Show the day too (search results are not grouped by day). */
  readonly withDate?: boolean;
  /** After the memory was forgotten (the element is already gone). */
  readonly onForgotten: (item: MemoryItem) => void;
  /** After the text was corrected. */
  readonly onEdited?: (item: MemoryItem) => void;
}

const FORGET_PREVIEW_CHARS = 160;

/** `text` with every occurrence of `terms` in <mark> (case-insensitive), as DOM nodes. */
function highlighted(text: string, terms: readonly string[] = []): (Node | string)[] {
  const words = terms.filter((w) => w.trim() !== '');
  if (words.length === 0) return [text];
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  return text.split(pattern).map((part, i) => (i % 2 === 1 ? el('mark', { text: part }) : part));
}

function who(item: MemoryItem, name: string): string {
  if (item.kind === 'summary') return t('memory.speaker.summary');
  if (item.kind === 'fact') return t('memory.speaker.fact');
  if (item.type === 'system') return t('memory.speaker.system');
  return item.speaker ?? (item.type === 'ai' ? name : '');
}

function timeText(item: MemoryItem, withDate: boolean): string {
  const when = memoryDate(item.timestamp);
  if (!when) return '';
  return withDate ? when.toLocaleString(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }) : when.toLocaleTimeString(currentLanguage(), { hour: '2-digit', minute: '2-digit' });
}

export function memoryItemView(item: MemoryItem, ctx: ItemContext): HTMLElement {
  const text = el('p', { class: 'memory-text' }, highlighted(item.text, ctx.terms));
  const actions = el('div', { class: 'memory-actions' });
  const node = el(
    'article',
    { class: `memory-item kind-${item.kind}${item.type ? ` from-${item.type}` : ''}`, 'data-kind': item.kind, 'data-id': item.id },
    el(
      'header',
      { class: 'memory-meta' },
      // A turn is told by who said it; a summary or a fact by what it is.
      item.kind === 'turn' ? el('span', { class: 'memory-who', text: who(item, ctx.name) }) : el('span', { class: `badge kind-badge kind-${item.kind}`, title: who(item, ctx.name), text: t(`memory.kind.${item.kind}`) }),
      el('time', { class: 'memory-time', datetime: item.timestamp ?? '', text: timeText(item, ctx.withDate === true) }),
    ),
    text,
    actions,
  );

  const showActions = () =>
    actions.replaceChildren(
      el('button', { type: 'button', class: 'ghost small', 'data-action': 'edit', text: t('memory.edit'), onclick: () => startEdit() }),
      el('button', { type: 'button', class: 'ghost small danger-text', 'data-action': 'forget', text: t('memory.forget'), onclick: (ev: Event) => void forget(ev.currentTarget as HTMLButtonElement) }),
    );

  const startEdit = () => {
    const area = el('textarea', { rows: Math.min(8, Math.max(2, Math.ceil(item.text.length / 60))), maxlength: 20000, 'aria-label': t('memory.editLabel'), value: item.text });
    const save = el('button', { type: 'button', class: 'small', 'data-action': 'save', text: t('memory.save') });
    const cancel = el('button', { type: 'button', class: 'secondary small', 'data-action': 'cancel', text: t('memory.cancel') });
    const box = el('div', { class: 'memory-edit' }, area, el('div', { class: 'memory-edit-actions' }, cancel, save));
    const close = () => {
      box.replaceWith(text);
      showActions();
    };
    cancel.addEventListener('click', close);
    area.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') close();
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) save.click();
    });
    save.addEventListener('click', () => {
      const next = area.value.trim();
      if (next === '') {
        toast(t('memory.emptyText'), 'warn');
        return;
      }
      void guarded(
        t('memory.editFailed'),
        async () => {
          item.text = await editMemory(ctx.name, item, next);
          text.replaceChildren(...highlighted(item.text, ctx.terms));
          close();
          ctx.onEdited?.(item);
          node.classList.add('just-saved');
          setTimeout(() => node.classList.remove('just-saved'), 1200);
          toast(t('memory.edited'), 'ok');
        },
        save,
      );
    });
    text.replaceWith(box);
    actions.replaceChildren();
    area.focus();
  };

  const forget = async (button: HTMLButtonElement) => {
    const preview = item.text.length > FORGET_PREVIEW_CHARS ? `${item.text.slice(0, FORGET_PREVIEW_CHARS)}…` : item.text;
    const sure = await confirmDialog(t('memory.forgetConfirm', { name: ctx.name, text: preview }), { danger: true, okText: t('memory.forget'), title: t('memory.forgetTitle') });
    if (!sure) return;
    await guarded(
      t('memory.forgetFailed'),
      async () => {
        await forgetMemory(ctx.name, item);
        await fadeOut(node);
        node.remove();
        ctx.onForgotten(item);
        toast(t('memory.forgotten', { name: ctx.name }), 'ok');
      },
      button,
    );
  };

  showActions();
  return node;
}

/** Collapses the element softly (instant when the user asked for reduced motion). */
function fadeOut(node: HTMLElement): Promise<void> {
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) return Promise.resolve();
  const height = node.offsetHeight;
  node.classList.add('leaving');
  const anim = node.animate(
    [
      { opacity: 1, transform: 'none', maxHeight: `${height}px` },
      { opacity: 0, transform: 'translateX(24px)', maxHeight: `${height}px`, offset: 0.6 },
      { opacity: 0, maxHeight: '0px', paddingTop: '0px', paddingBottom: '0px', marginTop: '0px', marginBottom: '0px' },
    ],
    { duration: 420, easing: 'ease-in-out' },
  );
  return anim.finished.then(
    () => undefined,
    () => undefined,
  );
}
