import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CUSTOM_TIERS } from '../../shared/config/core-config.types';

/** What can be tested: the core (realtime) provider, the assist provider, or one custom tier. */
export const TEST_TARGETS = ['core', 'assist', ...CUSTOM_TIERS] as const;
export type TestTarget = (typeof TEST_TARGETS)[number];

/** Why a test failed; the settings page words each one for the user. */
export const TEST_ERRORS = [
  'bad_url', 'own_server', 'missing_url', 'missing_key', 'unknown_provider', 'not_testable',
  'bad_key', 'not_found', 'model_not_found', 'unreachable', 'timeout', 'rate_limited', 'server_error', 'http_error',
] as const;
export type TestErrorCode = (typeof TEST_ERRORS)[number];

export const MIN_TEST_TIMEOUT_MS = 500;
export const MAX_TEST_TIMEOUT_MS = 10_000;

/**
 * Body of POST /api/config/test_connection. Either `tier` alone (the saved settings of that
 * provider or tier), or the values of the unsaved form: `provider`, `base_url`, `model`. A missing
 * `api_key` (or the masked one the page was shown) means the saved key of that provider or tier,
 * so the page never has to hold a real key it did not type.
 */
export class ConnectionTestDto {
  @ApiPropertyOptional({ enum: TEST_TARGETS, description: 'core | assist | a custom tier (summary, correction, emotion, vision, omni, tts, agent)' })
  @IsOptional()
  @IsIn(TEST_TARGETS, { message: `tier 只能是 ${TEST_TARGETS.join(', ')}` })
  tier?: TestTarget;

  @ApiPropertyOptional({ description: 'Provider key for core/assist (default: the saved one)', example: 'qwen' })
  @IsOptional()
  @IsString({ message: 'provider 必须是字符串' })
  @MaxLength(40, { message: 'provider 过长' })
  provider?: string;

  @ApiPropertyOptional({ description: 'OpenAI-compatible base URL (http or https), e.g. http://127.0.0.1:11434/v1' })
  @IsOptional()
  @IsString({ message: 'base_url 必须是字符串' })
  @MaxLength(2000, { message: 'base_url 过长' })
  base_url?: string;

  @ApiPropertyOptional({ description: 'Model id to look for (and, for text tiers, to ask for one token)' })
  @IsOptional()
  @IsString({ message: 'model 必须是字符串' })
  @MaxLength(200, { message: 'model 过长' })
  model?: string;

  @ApiPropertyOptional({ description: 'Key to try; omitted or masked = the saved key of this provider/tier. Never echoed.' })
  @IsOptional()
  @IsString({ message: 'api_key 必须是字符串' })
  @MaxLength(10_000, { message: 'api_key 过长' })
  api_key?: string;

  @ApiPropertyOptional({ description: 'Whole-test time limit in ms', minimum: MIN_TEST_TIMEOUT_MS, maximum: MAX_TEST_TIMEOUT_MS, default: 8000 })
  @IsOptional()
  @IsInt({ message: 'timeout_ms 必须是整数' })
  @Min(MIN_TEST_TIMEOUT_MS, { message: `timeout_ms 不能小于 ${MIN_TEST_TIMEOUT_MS}` })
  @Max(MAX_TEST_TIMEOUT_MS, { message: `timeout_ms 不能大于 ${MAX_TEST_TIMEOUT_MS}` })
  timeout_ms?: number;
}

/** The answer (always HTTP 200 once the body is valid). Keys are never part of it. */
export class ConnectionTestResultDto {
  @ApiProperty({ description: 'The endpoint answered and accepted the key' })
  ok!: boolean;

  @ApiProperty({ description: 'Time to the answer, ms' })
  latency_ms!: number;

  @ApiPropertyOptional({ description: 'Whether the model was listed by (or answered from) the endpoint; absent when no model was given' })
  model_found?: boolean;

  @ApiPropertyOptional({ enum: TEST_ERRORS })
  error_code?: TestErrorCode;

  @ApiProperty({ description: 'Plain-words outcome (English); provider texts redacted' })
  message!: string;

  @ApiPropertyOptional({ description: 'The base URL that was tested' })
  base_url?: string;

  @ApiPropertyOptional({ description: 'The model that was looked for' })
  model?: string;
}
