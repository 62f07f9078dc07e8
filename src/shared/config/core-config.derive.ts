import { ASSIST_KEY_FIELDS, ASSIST_PROVIDERS, CORE_PROVIDERS, extraBodyFor, isLoopbackUrl } from './api-providers.const';
import { CUSTOM_TIERS, type CoreConfigFile, type CustomTier } from './core-config.types';

export type ModelTier = 'summary' | 'correction' | 'emotion' | 'vision' | 'realtime' | 'tts_default' | 'tts_custom' | 'agent';

/** What a client needs to call one model (N.E.K.O.'s get_model_api_config). */
export interface ModelApiConfig {
  readonly model: string;
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly isCustom: boolean;
  readonly apiType?: string;
  readonly extraBody?: Record<string, unknown>;
}

interface Endpoint {
  readonly model: string;
  readonly url: string;
  readonly apiKey: string;
}

/** Fully resolved configuration (N.E.K.O.'s get_core_config), recomputed whenever the file changes. */
export interface CoreConfig {
  readonly coreApiType: string;
  readonly core: Endpoint;
  readonly isFreeVersion: boolean;
  readonly assistApiType: string;
  /** OPENROUTER_URL / OPENROUTER_API_KEY: the assist provider's OpenAI-compatible endpoint and key. */
  readonly assist: { readonly url: string; readonly apiKey: string };
  readonly assistModels: Readonly<Record<'summary' | 'correction' | 'emotion' | 'vision', string>>;
  readonly assistKeys: Readonly<Record<string, string>>;
  readonly audioApiKey: string;
  readonly mcpRouterApiKey: string;
  readonly enableCustomApi: boolean;
  readonly custom: Readonly<Record<CustomTier, Endpoint>>;
  readonly computerUse: Endpoint & { readonly groundModel: string; readonly groundUrl: string; readonly groundApiKey: string };
  readonly recentMemoryAutoReview: boolean;
  /** Problems found while resolving (unknown provider names and the like). */
  readonly warnings: readonly string[];
}

const str = (file: CoreConfigFile, key: string): string => {
  const v = file[key];
  return typeof v === 'string' ? v.trim() : '';
};

export function deriveCoreConfig(file: CoreConfigFile): CoreConfig {
  const warnings: string[] = [];
  const coreApiKey = str(file, 'coreApiKey');
  const assistKeys: Record<string, string> = {};
  for (const [provider, field] of Object.entries(ASSIST_KEY_FIELDS)) assistKeys[provider] = str(file, field) || coreApiKey;

  let coreApiType = str(file, 'coreApi') || 'qwen';
  if (!CORE_PROVIDERS[coreApiType]) {
    warnings.push(`unknown core provider "${coreApiType}", using qwen`);
    coreApiType = 'qwen';
  }
  const coreProfile = CORE_PROVIDERS[coreApiType];
  const isFreeVersion = coreProfile.isFreeVersion === true;

  let assistApiType = isFreeVersion ? 'free' : str(file, 'assistApi') || 'qwen';
  if (!ASSIST_PROVIDERS[assistApiType]) {
    warnings.push(`unknown assist provider "${assistApiType}", using qwen`);
    assistApiType = 'qwen';
  }
  const assistProfile = ASSIST_PROVIDERS[assistApiType];
  const assistKey = assistProfile.apiKey ?? (assistKeys[assistApiType] || coreApiKey);

  const custom = {} as Record<CustomTier, Endpoint>;
  for (const tier of CUSTOM_TIERS) {
    custom[tier] = { model: str(file, `${tier}ModelId`), url: str(file, `${tier}ModelUrl`), apiKey: str(file, `${tier}ModelApiKey`) };
  }

  return {
    coreApiType,
    core: { model: coreProfile.coreModel, url: coreProfile.coreUrl, apiKey: coreProfile.coreApiKey ?? coreApiKey },
    isFreeVersion,
    assistApiType,
    assist: { url: assistProfile.url, apiKey: assistKey },
    assistModels: {
      summary: assistProfile.summaryModel,
      correction: assistProfile.correctionModel,
      emotion: assistProfile.emotionModel,
      vision: assistProfile.visionModel,
    },
    assistKeys,
    audioApiKey: assistKey,
    mcpRouterApiKey: str(file, 'mcpToken') || 'Copy from MCP Router if needed',
    enableCustomApi: file.enableCustomApi === true,
    custom,
    computerUse: {
      model: str(file, 'computerUseModel') || (assistProfile.computerUseModel ?? ''),
      url: str(file, 'computerUseModelUrl') || assistProfile.url,
      apiKey: str(file, 'computerUseModelApiKey') || assistKey,
      groundModel: str(file, 'computerUseGroundModel') || (assistProfile.computerUseGroundModel ?? ''),
      groundUrl: str(file, 'computerUseGroundUrl') || assistProfile.url,
      groundApiKey: str(file, 'computerUseGroundApiKey') || assistKey,
    },
    recentMemoryAutoReview: file.recent_memory_auto_review !== false,
    warnings,
  };
}

function customFor(cfg: CoreConfig, tier: CustomTier): Endpoint | undefined {
  const c = cfg.custom[tier];
  // A key is required, except for a server on loopback (a local model needs none).
  return cfg.enableCustomApi && c.model && c.url && (c.apiKey || isLoopbackUrl(c.url)) ? c : undefined;
}

function withExtra(c: Omit<ModelApiConfig, 'extraBody'>): ModelApiConfig {
  const extraBody = extraBodyFor(c.model);
  return extraBody ? { ...c, extraBody } : c;
}

/** Endpoint, model and key for one tier: the user's custom endpoint when complete, else the provider's. */
export function modelApiConfig(cfg: CoreConfig, tier: ModelTier): ModelApiConfig {
  const assist = (model: string): ModelApiConfig =>
    withExtra({ model, apiKey: cfg.assist.apiKey, baseUrl: cfg.assist.url, isCustom: false });
  const own = (c: Endpoint, extra: Partial<ModelApiConfig> = {}): ModelApiConfig =>
    withExtra({ model: c.model, apiKey: c.apiKey, baseUrl: c.url, isCustom: true, ...extra });
  switch (tier) {
    case 'summary':
    case 'correction':
    case 'emotion':
    case 'vision': {
      const c = customFor(cfg, tier);
      return c ? own(c) : assist(cfg.assistModels[tier]);
    }
    case 'realtime': {
      const c = customFor(cfg, 'omni');
      if (c) return own(c, { apiType: 'local' });
      return { model: cfg.core.model, apiKey: cfg.core.apiKey, baseUrl: cfg.core.url, isCustom: false, apiType: cfg.coreApiType };
    }
    case 'agent': {
      // The agent's vision-capable model (computer use, browser use): the custom agent tier, else
      // the computer-use model of core_config, else the assist provider's vision model.
      const c = customFor(cfg, 'agent');
      if (c) return own(c);
      const cu = cfg.computerUse;
      if (cu.model) return withExtra({ model: cu.model, apiKey: cu.apiKey, baseUrl: cu.url, isCustom: false });
      return assist(cfg.assistModels.vision);
    }
    case 'tts_default': {
      const c = customFor(cfg, 'tts');
      return c ? own(c) : { model: cfg.core.model, apiKey: cfg.core.apiKey, baseUrl: cfg.core.url, isCustom: false };
    }
    case 'tts_custom': {
      const c = customFor(cfg, 'tts');
      if (c) return own(c);
      const qwenKey = cfg.assistKeys.qwen;
      return qwenKey
        ? { model: '', apiKey: qwenKey, baseUrl: ASSIST_PROVIDERS.qwen.url, isCustom: false }
        : { model: '', apiKey: cfg.assist.apiKey, baseUrl: cfg.assist.url, isCustom: false };
    }
  }
}
