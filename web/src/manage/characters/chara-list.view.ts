/** The roster: one card per character (avatar initial, model, voice, actions), or a welcome when empty. */
import { el, enc } from '../../core/dom';
import { t } from '../../core/i18n';
import { modelOf, voiceLabel, type CharactersFile, type Profile, type VoiceEntry } from './profile.body';

export type CardAction = 'switch' | 'edit' | 'rename' | 'delete';

export interface ListView {
  readonly file: CharactersFile;
  readonly voices: Readonly<Record<string, VoiceEntry>>;
  /** The character open in the editor (its card is marked). */
  readonly editing: string | null;
}

/** A stable, friendly colour per name for the initial badge. */
function hueOf(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}

export function modelText(profile: Profile): string {
  const model = modelOf(profile);
  if (model.kind === 'default') return t('chara.modelDefault');
  return `${model.kind === 'vrm' ? 'VRM' : 'Live2D'} · ${model.name}`;
}

function card(name: string, profile: Profile, view: ListView, act: (action: CardAction, name: string, button: HTMLButtonElement) => void): HTMLElement {
  const current = name === view.file.当前猫娘;
  const voice = voiceLabel(profile.voice_id, view.voices);
  const button = (action: CardAction, text: string, cls: string, extra: Record<string, string | boolean> = {}) => {
    const b = el('button', { type: 'button', class: `small ${cls}`, 'data-action': action, text, ...extra });
    b.addEventListener('click', () => act(action, name, b));
    return b;
  };
  const initial = Array.from(name.trim())[0]?.toUpperCase() ?? '?';
  return el(
    'article',
    { class: `chara-card${current ? ' is-current' : ''}${view.editing === name ? ' is-editing' : ''}`, 'data-name': name, 'aria-current': current ? 'true' : null },
    el('div', { class: 'chara-avatar', 'aria-hidden': 'true', style: `--hue: ${hueOf(name)}` }, initial),
    el(
      'div',
      { class: 'chara-info' },
      el('h3', { class: 'chara-name' }, el('span', { text: name }), current ? el('span', { class: 'badge ok', text: t('chara.current') }) : null),
      el('p', { class: 'chara-meta' }, el('span', { class: 'chara-meta-label', text: t('chara.model') }), ' ', modelText(profile)),
      el('p', { class: 'chara-meta' }, el('span', { class: 'chara-meta-label', text: t('chara.voice') }), ' ', voice || t('chara.voiceDefault')),
    ),
    el(
      'div',
      { class: 'chara-actions' },
      current
        ? el('a', { class: 'button small', href: `/${enc(name)}`, text: t('chara.talk') })
        : button('switch', t('chara.switch'), '', { title: t('chara.switchHint', { name }) }),
      button('edit', t('common.edit'), 'secondary'),
      button('rename', t('chara.rename'), 'secondary'),
      button('delete', t('common.delete'), 'danger', current ? { disabled: true, title: t('chara.deleteCurrentHint') } : {}),
    ),
  );
}

/** Renders the roster into `box`; `act` runs the card buttons. */
export function renderList(box: HTMLElement, view: ListView, act: (action: CardAction, name: string, button: HTMLButtonElement) => void, create: () => void): void {
  const cats = Object.entries(view.file.猫娘 ?? {});
  if (cats.length === 0) {
    box.replaceChildren(
      el(
        'div',
        { class: 'empty chara-empty' },
        el('span', { class: 'empty-icon', 'aria-hidden': 'true', text: '=^･ω･^=' }),
        el('p', { class: 'chara-empty-title', text: t('chara.emptyTitle') }),
        el('p', { class: 'hint', text: t('chara.emptyHint') }),
        el('button', { type: 'button', text: t('chara.createFirst'), onclick: create }),
      ),
    );
    return;
  }
  box.replaceChildren(...cats.map(([name, profile]) => card(name, profile, view, act)));
}
