import { isPlainObject } from '../data/json-edit';

/** Model tiers whose endpoint the user may override one by one (spec main-server.md §6.3). */
export const CUSTOM_TIERS = ['summary', 'correction', 'emotion', 'vision', 'omni', 'tts', 'agent'] as const;
export type CustomTier = (typeof CUSTOM_TIERS)[number];
const CUSTOM_SUFFIXES = ['Provider', 'Url', 'Id', 'ApiKey'] as const;

type CustomField = `${CustomTier}Model${(typeof CUSTOM_SUFFIXES)[number]}`;
const CUSTOM_FIELDS = CUSTOM_TIERS.flatMap((tier) => CUSTOM_SUFFIXES.map((s): CustomField => `${tier}Model${s}`));

const STRING_FIELDS = [
  'coreApiKey', 'coreApi', 'assistApi',
  'assistApiKeyQwen', 'assistApiKeyOpenai', 'assistApiKeyGlm', 'assistApiKeyStep', 'assistApiKeySilicon',
  'mcpToken',
  'computerUseModel', 'computerUseModelUrl', 'computerUseModelApiKey',
  'computerUseGroundModel', 'computerUseGroundUrl', 'computerUseGroundApiKey',
  ...CUSTOM_FIELDS,
] as const;
const BOOLEAN_FIELDS = ['enableCustomApi', 'recent_memory_auto_review'] as const;

/** Key names that hold secrets: never logged, masked by the HTTP API. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(
  STRING_FIELDS.filter((f) => f === 'coreApiKey' || f === 'mcpToken' || f.startsWith('assistApiKey') || f.endsWith('ApiKey')),
);

type StringField = (typeof STRING_FIELDS)[number];
type BooleanField = (typeof BOOLEAN_FIELDS)[number];

/** core_config.json as stored (spec §9.3). Unknown keys are kept as they are. */
export type CoreConfigFile = Record<string, unknown> & Partial<Record<StringField, string>> & Partial<Record<BooleanField, boolean>>;

/** Content of a fresh core_config.json. */
export function defaultCoreConfigFile(): CoreConfigFile {
  const file: Record<string, unknown> = {};
  for (const f of STRING_FIELDS) {
    if (f.startsWith('computerUse')) continue;
    file[f] = '';
  }
  file.coreApi = 'qwen';
  file.assistApi = 'qwen';
  file.enableCustomApi = false;
  file.recent_memory_auto_review = true;
  return file;
}

/**
 * Keeps every key, but a known field of the wrong type is dropped (so defaults apply) and reported.
 * A hand-edited file with `"enableCustomApi": "yes"` must not crash anything.
 */
export function coerceCoreConfigFile(raw: unknown, warn?: (msg: string) => void): CoreConfigFile {
  const file: Record<string, unknown> = isPlainObject(raw) ? { ...raw } : {};
  for (const f of STRING_FIELDS) {
    if (f in file && typeof file[f] !== 'string') {
      warn?.(`core_config.json: "${f}" should be a string; ignoring it`);
      delete file[f];
    }
  }
  for (const f of BOOLEAN_FIELDS) {
    if (f in file && typeof file[f] !== 'boolean') {
      warn?.(`core_config.json: "${f}" should be true or false; ignoring it`);
      delete file[f];
    }
  }
  return file;
}

/** Masks a secret for display: all but the last 4 characters become '*'. */
export function maskSecret(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return '*'.repeat(value.length - 4) + value.slice(-4);
}
