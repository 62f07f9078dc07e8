import { ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { CUSTOM_TIERS } from '../../shared/config/core-config.types';

/** Fields POST /api/config/core_api copies into core_config.json (spec §3.1), in the original's order. */
export const CORE_API_STRING_FIELDS = [
  'coreApi', 'assistApi',
  'assistApiKeyQwen', 'assistApiKeyOpenai', 'assistApiKeyGlm', 'assistApiKeyStep', 'assistApiKeySilicon',
  'mcpToken',
  ...CUSTOM_TIERS.flatMap((t) => ['Provider', 'Url', 'Id', 'ApiKey'].map((s) => `${t}Model${s}`)),
] as const;

const MAX_FIELD = 10_000;

/** The original's checks of coreApiKey, in its order (only when enableCustomApi is falsy); `local` is ours. */
function coreApiKeyProblem(value: unknown, body: Record<string, unknown>): string | undefined {
  if (body.enableCustomApi) return undefined;
  if (!('coreApiKey' in body) || value === undefined) return '缺少coreApiKey字段';
  if (value === null) return 'API Key不能为null';
  if (typeof value !== 'string') return 'API Key必须是字符串类型';
  // A local assist provider (ours) needs no key: text chat then works without any cloud account.
  if (value.trim() === '' && body.coreApi !== 'free' && body.assistApi !== 'free' && body.assistApi !== 'local') return 'API Key不能为空';
  if (value.length > MAX_FIELD) return 'API Key过长';
  return undefined;
}

function IsCoreApiKey(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCoreApiKey',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown, args: ValidationArguments) => coreApiKeyProblem(value, args.object as Record<string, unknown>) === undefined,
        defaultMessage: (args?: ValidationArguments) => coreApiKeyProblem(args?.value, (args?.object ?? {}) as Record<string, unknown>) ?? '',
      },
    });
}

/** The other fields: strings (null = not sent); enableCustomApi a boolean. Not in the original, which stored anything. */
function AreConfigFieldsValid(): PropertyDecorator {
  const problem = (body: Record<string, unknown>): string | undefined => {
    for (const f of CORE_API_STRING_FIELDS) {
      const v = body[f];
      if (v !== undefined && v !== null && typeof v !== 'string') return `${f}必须是字符串类型`;
      if (typeof v === 'string' && v.length > MAX_FIELD) return `${f}过长`;
    }
    const e = body.enableCustomApi;
    if (e !== undefined && e !== null && typeof e !== 'boolean') return 'enableCustomApi必须是布尔值';
    return undefined;
  };
  return (target, propertyName) =>
    registerDecorator({
      name: 'areConfigFieldsValid',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (_v: unknown, args: ValidationArguments) => problem(args.object as Record<string, unknown>) === undefined,
        defaultMessage: (args?: ValidationArguments) => problem((args?.object ?? {}) as Record<string, unknown>) ?? '',
      },
    });
}

/** Body of POST /api/config/core_api (the UI omits empty fields). Custom tier fields are free-form strings. */
export class CoreApiDto {
  @ApiPropertyOptional({ description: 'Core (realtime) API key; "free-access" for the free tier; a masked value keeps the stored key' })
  @IsCoreApiKey()
  coreApiKey?: unknown;

  @ApiPropertyOptional({ description: 'Core provider key', enum: ['free', 'qwen', 'openai', 'step'] })
  @AreConfigFieldsValid()
  coreApi?: unknown;

  @ApiPropertyOptional({ description: 'Assist provider key', enum: ['free', 'qwen', 'openai', 'glm', 'step', 'silicon'] })
  assistApi?: unknown;

  @ApiPropertyOptional({ description: 'Per-provider assist keys (assistApiKeyQwen, …Openai, …Glm, …Step, …Silicon)' })
  assistApiKeyQwen?: unknown;

  @ApiPropertyOptional({ description: 'MCP Router token' })
  mcpToken?: unknown;

  @ApiPropertyOptional({ description: 'Use the custom per-tier endpoints ({summary,correction,emotion,vision,omni,tts}Model{Provider,Url,Id,ApiKey})' })
  enableCustomApi?: unknown;

  [field: string]: unknown;
}
