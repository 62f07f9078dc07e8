/**
 * The pickers of the manage pages: characters (GET /api/characters) and Live2D models
 * (GET /api/live2d/models, ?model= in the address chooses one).
 */
import { api } from '../../core/api';
import { el, fillSelect } from '../../core/dom';
import { t } from '../../core/i18n';
import { showLoadError } from '../../core/toast';

export interface Characters {
  readonly names: string[];
  readonly current: string;
}

export async function loadCharacters(): Promise<Characters> {
  const data = await api.get<{ 猫娘?: Record<string, unknown>; 当前猫娘?: string }>('/api/characters');
  return { names: Object.keys(data.猫娘 ?? {}), current: data.当前猫娘 ?? '' };
}

/** Fills a character picker; answers the chosen name: `wanted` when it exists, else the current one ('' when none). */
export function pickCharacter(select: HTMLSelectElement, characters: Characters, wanted: string): string {
  const chosen = characters.names.includes(wanted) ? wanted : characters.names.includes(characters.current) ? characters.current : (characters.names[0] ?? '');
  fillSelect(select, characters.names.map((n) => ({ value: n })), chosen);
  select.disabled = characters.names.length === 0;
  return chosen;
}

export interface Live2dModel { readonly name: string; readonly path: string; readonly item_id?: string }

async function loadLive2dModels(): Promise<Live2dModel[]> {
  const models = await api.get<Live2dModel[]>('/api/live2d/models');
  return Array.isArray(models) ? models : [];
}

/**
 * Loads the Live2D models into the picker and answers them with the model to open: ?model= when it
 * exists, else the first one; none when there is no model (then `container` says where models come
 * from). Undefined when they could not be loaded: `errorBox` says why and `container` is emptied.
 */
export async function loadModelPicker(
  select: HTMLSelectElement,
  container: HTMLElement,
  errorBox: HTMLElement,
): Promise<{ readonly models: Live2dModel[]; readonly chosen?: Live2dModel } | undefined> {
  let models: Live2dModel[];
  try {
    models = await loadLive2dModels();
  } catch (err) {
    showLoadError(errorBox, t('editors.loadModelsFailed'), err);
    container.replaceChildren();
    return undefined;
  }
  const wanted = new URLSearchParams(location.search).get('model') ?? '';
  const chosen = models.find((m) => m.name === wanted) ?? models[0];
  fillSelect(select, models.map((m) => ({ value: m.name })), chosen?.name);
  select.disabled = models.length === 0;
  if (!chosen) container.replaceChildren(el('div', { class: 'empty' }, el('p', { text: t('editors.noLive2d') }), el('a', { class: 'button', href: '/l2d', text: t('editors.goToModels') })));
  return { models, chosen };
}

/** Remembers the chosen model in the address (?model=), so a reload opens it again. */
export function rememberModel(name: string): void {
  const url = new URL(location.href);
  url.searchParams.set('model', name);
  history.replaceState(history.state, '', url);
}
