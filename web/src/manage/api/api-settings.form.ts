/** The API settings form: fills it from GET /api/config/core_api and builds the save body and test requests. */
import { fillSelect, must } from '../../core/dom';
import { currentLanguage, hasMessage, t } from '../../core/i18n';
import type { TestRequest } from './connection-test.view';
import { buildTiers, TIERS, type Tier, type TierInputs } from './custom-tiers.view';
import { SecretField } from './secret.field';

export interface ProviderListing {
  readonly key: string;
  readonly name?: string;
  readonly description?: string;
}

export type CoreApiView = Record<string, unknown>;

const ASSIST_KEYS = { qwen: 'assistApiKeyQwen', openai: 'assistApiKeyOpenai', glm: 'assistApiKeyGlm', step: 'assistApiKeyStep', silicon: 'assistApiKeySilicon' } as const;
/** Keys whose change can change the voice library's key (the assist provider's key). */
const AUDIO_KEY_FIELDS = ['coreApiKey', ...Object.values(ASSIST_KEYS)];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export class ApiSettingsForm {
  readonly form = must<HTMLFormElement>('#api-form');
  readonly core = must<HTMLSelectElement>('#coreApi');
  readonly assist = must<HTMLSelectElement>('#assistApi');
  private readonly custom = must<HTMLInputElement>('#enableCustomApi');
  readonly secrets = new Map<string, SecretField>();
  readonly tiers: Record<Tier, TierInputs>;
  private providers: { core: readonly ProviderListing[]; assist: readonly ProviderListing[] } = { core: [], assist: [] };
  private loadedAssist = '';

  constructor() {
    for (const id of ['coreApiKey', 'mcpToken', ...Object.values(ASSIST_KEYS)]) this.secrets.set(id, new SecretField(must<HTMLInputElement>(`#${id}`)));
    this.tiers = buildTiers(must('#custom-tiers'));
    this.core.addEventListener('change', () => this.describe());
    this.assist.addEventListener('change', () => this.describe());
    this.custom.addEventListener('change', () => this.describe());
  }

  load(core: readonly ProviderListing[], assist: readonly ProviderListing[], cfg: CoreApiView): void {
    this.providers = { core, assist };
    const label = (p: ProviderListing) => ({ value: p.key, label: this.providerName(p) });
    fillSelect(this.core, core.map(label), str(cfg.coreApi));
    fillSelect(this.assist, assist.map(label), str(cfg.assistApi));
    this.loadedAssist = this.assist.value;
    this.secret('coreApiKey').load(str(cfg.api_key));
    for (const id of ['mcpToken', ...Object.values(ASSIST_KEYS)]) this.secret(id).load(str(cfg[id]));
    for (const tier of TIERS) {
      const inputs = this.tiers[tier];
      inputs.url.value = str(cfg[`${tier}ModelUrl`]);
      inputs.model.value = str(cfg[`${tier}ModelId`]);
      inputs.provider.value = str(cfg[`${tier}ModelProvider`]);
      inputs.key.load(str(cfg[`${tier}ModelApiKey`]));
      // Tasks with their own endpoint start open; the rest stay folded (seven forms are a lot on a phone).
      inputs.box.open = inputs.url.value.trim() !== '';
    }
    this.custom.checked = cfg.enableCustomApi === true;
    this.describe();
  }

  /** Provider texts in the user's language (the server lists them in Chinese). */
  private providerName(p: ProviderListing): string {
    const key = `api.providerName.${p.key}`;
    return currentLanguage() === 'en' && hasMessage(key) ? t(key) : (p.name ?? p.key);
  }

  /** Descriptions, which key fields apply, and the dimmed custom tiers; also re-run on a language change. */
  describe(): void {
    for (const [kind, select] of [['core', this.core], ['assist', this.assist]] as const) {
      const p = this.providers[kind].find((x) => x.key === select.value);
      const key = `api.providerDesc.${kind}.${select.value}`;
      must(`#${kind}Api-desc`).textContent = currentLanguage() === 'en' && hasMessage(key) ? t(key) : (p?.description ?? '');
      for (const option of select.options) {
        const listed = this.providers[kind].find((x) => x.key === option.value);
        if (listed) option.textContent = this.providerName(listed);
      }
    }
    const free = this.core.value === 'free';
    must('#core-key-field').hidden = free;
    must('#core-free-note').hidden = !free;
    const assist = this.assist.value;
    for (const row of this.form.querySelectorAll<HTMLElement>('#assist-keys [data-provider]')) row.hidden = row.dataset.provider !== assist;
    must('#assist-key-hint').textContent = assist in ASSIST_KEYS ? t('api.assistKeyHint') : t('api.assistNoKey');
    must('#custom-tiers').classList.toggle('is-off', !this.custom.checked);
    for (const s of this.secrets.values()) s.retranslate();
    for (const tier of TIERS) {
      this.tiers[tier].key.retranslate();
      this.tiers[tier].describe();
    }
  }

  private secret(id: string): SecretField {
    const s = this.secrets.get(id);
    if (!s) throw new Error(`no key field ${id}`);
    return s;
  }

  /** Body of POST /api/config/core_api; like the original form, empty fields are left out. */
  body(): Record<string, unknown> {
    const out: Record<string, unknown> = { coreApi: this.core.value, assistApi: this.assist.value, enableCustomApi: this.custom.checked };
    for (const [id, field] of this.secrets) if (field.value() !== '') out[id] = field.value();
    for (const tier of TIERS) {
      const inputs = this.tiers[tier];
      const values = { Url: inputs.url.value, Id: inputs.model.value, Provider: inputs.provider.value, ApiKey: inputs.key.value() };
      for (const [part, value] of Object.entries(values)) if (value.trim() !== '') out[`${tier}Model${part}`] = value.trim();
    }
    if (out.coreApi === 'free') out.coreApiKey = 'free-access';
    else out.coreApiKey ??= '';
    return out;
  }

  /** Whether saving may change the key the voice library belongs to (then cloned voice ids are cleared, as the original does). */
  audioKeyChanges(): boolean {
    return this.assist.value !== this.loadedAssist || AUDIO_KEY_FIELDS.some((id) => this.secret(id).changed());
  }

  /** What the test of `tier` should try: the form's current (maybe unsaved) values, typed keys only. */
  testRequest(tier: string): TestRequest {
    if (tier === 'core') return { tier, provider: this.core.value, api_key: this.secret('coreApiKey').typed() };
    if (tier === 'assist') {
      const field = ASSIST_KEYS[this.assist.value as keyof typeof ASSIST_KEYS] as string | undefined;
      return { tier, provider: this.assist.value, api_key: field ? this.secret(field).typed() : undefined };
    }
    const inputs = this.tiers[tier as Tier];
    if (!inputs.url.value.trim()) return { tier };
    return { tier, base_url: inputs.url.value.trim(), model: inputs.model.value.trim(), api_key: inputs.key.typed() };
  }

  /** A readable name for the thing being tested. */
  testLabel(tier: string): string {
    if (tier === 'core') return t('api.core');
    if (tier === 'assist') return t('api.assistShort');
    const key = `api.tier.${tier}`;
    return hasMessage(key) ? t(key) : tier;
  }
}
