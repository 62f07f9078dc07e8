/**
 * The gallery #model-list: one .model-card per model (data-kind, data-name), the character's
 * model marked "in use", a [data-action=use] button on each and delete on the user's VRM files.
 */
import { el } from '../../core/dom';
import { t, type MessageKey } from '../../core/i18n';
import type { ModelCard, ModelOrigin } from './model-catalog.service';

export interface GalleryState {
  readonly cards: readonly ModelCard[];
  readonly inUse: ModelCard | undefined;
  readonly selected: ModelCard | undefined;
  /** No character to give a model to: the use buttons are disabled. */
  readonly canUse: boolean;
}

export interface GalleryActions {
  select(card: ModelCard): void;
  use(card: ModelCard, button: HTMLButtonElement): void;
  remove(card: ModelCard, button: HTMLButtonElement): void;
}

const ORIGIN: Record<ModelOrigin, MessageKey> = {
  default: 'models.origin.default',
  project: 'models.origin.project',
  user: 'models.origin.user',
  workshop: 'models.origin.workshop',
  mods: 'models.origin.mods',
};

export const sameCard = (a: ModelCard | undefined, b: ModelCard | undefined): boolean =>
  a !== undefined && b !== undefined && a.kind === b.kind && a.url === b.url;

export const displayName = (card: ModelCard): string => (card.origin === 'default' ? t('models.default') : card.name);

function card(model: ModelCard, state: GalleryState, actions: GalleryActions): HTMLLIElement {
  const inUse = sameCard(model, state.inUse);
  const selected = sameCard(model, state.selected);
  const name = displayName(model);
  const use = el('button', {
    type: 'button',
    class: inUse ? 'small secondary' : 'small',
    'data-action': 'use',
    disabled: inUse || !state.canUse,
    text: inUse ? t('models.inUse') : t('models.use'),
    'aria-label': inUse ? `${name}: ${t('models.inUse')}` : `${t('models.use')} ${name}`,
  });
  use.addEventListener('click', () => actions.use(model, use));
  const remove = model.kind === 'vrm' && model.origin === 'user'
    ? el('button', { type: 'button', class: 'small ghost', 'data-action': 'delete', text: t('common.delete'), 'aria-label': `${t('common.delete')} ${name}` })
    : null;
  remove?.addEventListener('click', () => actions.remove(model, remove));
  return el(
    'li',
    { class: `model-card${inUse ? ' in-use' : ''}${selected ? ' selected' : ''}`, 'data-kind': model.kind, 'data-name': model.name },
    el(
      'button',
      { type: 'button', class: 'model-card-main', 'data-action': 'preview', 'aria-pressed': String(selected), onclick: () => actions.select(model) },
      model.origin === 'default'
        ? el('img', { class: 'model-icon', src: '/favicon.ico', alt: '', width: 44, height: 44 })
        : el('span', { class: `model-icon ${model.kind}`, 'aria-hidden': 'true', text: Array.from(name)[0]?.toUpperCase() ?? '?' }),
      el('span', { class: 'model-name', text: name }),
      el(
        'span',
        { class: 'model-badges' },
        el('span', { class: 'badge', text: model.kind === 'vrm' ? 'VRM' : 'Live2D' }),
        el('span', { class: 'badge muted-badge', text: t(ORIGIN[model.origin]) }),
        inUse ? el('span', { class: 'badge ok', text: t('models.inUse') }) : null,
      ),
    ),
    el('span', { class: 'model-card-actions' }, use, remove),
  );
}

export function renderGallery(list: HTMLElement, state: GalleryState, actions: GalleryActions): void {
  list.replaceChildren(...state.cards.map((m) => card(m, state, actions)));
}
