/**
 * What the models page shows: the default avatar, the VRM models and the Live2D models the server
 * knows, which of them a character uses, and the server calls that change that.
 */
import { api, ensureOk } from '../../core/api';
import { enc } from '../../core/dom';
import { avatarSourceFor, DEFAULT_AVATAR } from '../../avatar/avatar.factory';
import type { AvatarKind, AvatarSource } from '../../avatar/avatar.port';

export type ModelOrigin = 'default' | 'project' | 'user' | 'workshop' | 'mods';

export interface ModelCard {
  readonly kind: AvatarKind;
  /** Model name as the server knows it (folder name, or .vrm file name without extension). */
  readonly name: string;
  /** URL of the .vrm file or of the model3.json. */
  readonly url: string;
  readonly origin: ModelOrigin;
  /** Steam workshop item id of a workshop Live2D model. */
  readonly itemId?: string;
}

interface Live2dEntry { name: string; path: string; source?: string; item_id?: string }
interface VrmEntry { name: string; url: string; location?: string; item_id?: string }

const stem = (url: string): string => (url.split('/').pop() ?? url).replace(/\.vrm$/i, '');

const DEFAULT_CARD: ModelCard = { kind: 'vrm', name: stem(DEFAULT_AVATAR.url), url: DEFAULT_AVATAR.url, origin: 'default' };

function live2dOrigin(source: string | undefined): ModelOrigin {
  if (source === 'steam_workshop') return 'workshop';
  if (source === 'user_mods') return 'mods';
  if (source === 'documents') return 'user';
  return 'project';
}

function vrmOrigin(location: string | undefined): ModelOrigin {
  if (location === 'user') return 'user';
  if (location === 'steam_workshop') return 'workshop';
  return 'project';
}

/** The gallery, default avatar first, then VRM, then Live2D models (each list as the server sorts it). */
export async function loadModels(): Promise<ModelCard[]> {
  const [vrm, live2d] = await Promise.all([
    api.get<{ models?: VrmEntry[] }>('/api/model/vrm/models').then(ensureOk),
    api.get<Live2dEntry[]>('/api/live2d/models'),
  ]);
  const cards: ModelCard[] = [DEFAULT_CARD];
  for (const m of vrm.models ?? []) {
    if (m.url === DEFAULT_CARD.url) continue;
    cards.push({ kind: 'vrm', name: m.name, url: m.url, origin: vrmOrigin(m.location), ...(m.item_id ? { itemId: m.item_id } : {}) });
  }
  for (const m of Array.isArray(live2d) ? live2d : []) {
    cards.push({ kind: 'live2d', name: m.name, url: m.path, origin: live2dOrigin(m.source), ...(m.item_id ? { itemId: m.item_id } : {}) });
  }
  return cards;
}

export const sourceOf = (card: ModelCard): AvatarSource => ({ kind: card.kind, url: card.url, name: card.name, isDefault: card.origin === 'default' });

/** The card a character's avatar is, by the same rules the companion page uses to pick it. */
export async function cardInUse(cards: readonly ModelCard[], chara: string): Promise<ModelCard | undefined> {
  const source = await avatarSourceFor(chara);
  return cards.find((c) => c.kind === source.kind && c.url === source.url) ?? (source.isDefault ? DEFAULT_CARD : undefined);
}

/**
 * Gives the character the model. A Live2D model is stored by name (and workshop item id); a VRM
 * model, the default avatar included, as model_type "vrm" with its URL — the server's upstream
 * fields for VRM avatars.
 */
export async function assignModel(chara: string, card: ModelCard): Promise<void> {
  const body = card.kind === 'live2d'
    ? { model_type: 'live2d', live2d: card.name, ...(card.itemId ? { item_id: card.itemId } : {}) }
    : { model_type: 'vrm', vrm: card.url };
  ensureOk(await api.put(`/api/characters/catgirl/l2d/${enc(chara)}`, body));
}

export async function deleteVrm(card: ModelCard): Promise<void> {
  ensureOk(await api.del(`/api/model/vrm/model/${enc(card.name)}`));
}
