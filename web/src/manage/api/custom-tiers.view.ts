/** The per-task endpoints (core_config {tier}Model{Provider,Url,Id,ApiKey}) with a test button each. */
import { el } from '../../core/dom';
import { t, type MessageKey } from '../../core/i18n';
import { SecretField } from './secret.field';

export const TIERS = ['summary', 'correction', 'emotion', 'vision', 'omni', 'tts', 'agent'] as const;
export type Tier = (typeof TIERS)[number];
type TextPart = 'Url' | 'Id' | 'Provider';

const PART_LABEL: Record<TextPart, MessageKey> = { Url: 'api.part.url', Id: 'api.part.model', Provider: 'api.part.provider' };
const PLACEHOLDER: Record<TextPart, string> = { Url: 'http://127.0.0.1:11434/v1', Id: 'qwen2.5:7b', Provider: 'openai' };

export interface TierInputs {
  readonly url: HTMLInputElement;
  readonly model: HTMLInputElement;
  readonly provider: HTMLInputElement;
  readonly key: SecretField;
  readonly box: HTMLDetailsElement;
  /** Re-words the summary line (after loading, typing or a language change). */
  readonly describe: () => void;
}

function textInput(tier: Tier, part: TextPart): { label: HTMLElement; input: HTMLInputElement } {
  const input = el('input', { type: part === 'Url' ? 'url' : 'text', id: `${tier}Model${part}`, maxlength: 500, spellcheck: 'false', placeholder: PLACEHOLDER[part] });
  const label = el('label', { class: 'field' }, el('span', { 'data-i18n': PART_LABEL[part], text: t(PART_LABEL[part]) }), input);
  return { label, input };
}

/** Builds one fieldset per tier into `box`; answers the inputs by tier. */
export function buildTiers(box: HTMLElement): Record<Tier, TierInputs> {
  const out = {} as Record<Tier, TierInputs>;
  box.replaceChildren(
    ...TIERS.map((tier) => {
      const url = textInput(tier, 'Url');
      const model = textInput(tier, 'Id');
      const provider = textInput(tier, 'Provider');
      const keyInput = el('input', { type: 'password', id: `${tier}ModelApiKey`, maxlength: 500, spellcheck: 'false' });
      const keyField = el('div', { class: 'field' }, el('label', { for: keyInput.id, 'data-i18n': 'api.key', text: t('api.key') }), el('div', { class: 'secret' }, keyInput));
      const status = el('span', { class: 'tier-status' });
      const box = el(
        'details',
        { class: 'tier', 'data-tier': tier },
        el('summary', {}, el('span', { class: 'tier-name', 'data-i18n': `api.tier.${tier}`, text: t(`api.tier.${tier}`) }), status),
        el('p', { class: 'hint tier-use', 'data-i18n': `api.tierUse.${tier}`, text: t(`api.tierUse.${tier}`) }),
        el('div', { class: 'tier-grid' }, url.label, model.label, keyField, provider.label),
        el('div', { class: 'row tester' }, el('button', { type: 'button', class: 'secondary small', 'data-action': 'test-connection', 'data-tier': tier, 'data-i18n': 'api.test', text: t('api.test') })),
      );
      const describe = () => {
        const own = url.input.value.trim() !== '' && model.input.value.trim() !== '';
        status.textContent = own ? model.input.value.trim() : t('api.tierDefault');
        status.classList.toggle('is-own', own);
      };
      url.input.addEventListener('input', describe);
      model.input.addEventListener('input', describe);
      out[tier] = { url: url.input, model: model.input, provider: provider.input, key: new SecretField(keyInput), box, describe };
      return box;
    }),
  );
  return out;
}
