import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

export class AgentFlagsDto {
  @ApiPropertyOptional({ description: 'Character (default: the current one)' })
  lanlan_name?: unknown;

  @ApiPropertyOptional({
    description: 'Switches: agent_enabled, computer_use_enabled, mcp_enabled, browser_use_enabled, user_plugin_enabled',
    example: { agent_enabled: true, computer_use_enabled: false, mcp_enabled: false, user_plugin_enabled: false },
  })
  @IsOptional()
  @IsObject({ message: 'flags must be an object' })
  flags?: Record<string, unknown>;
}

export class NotifyTaskResultDto {
  @ApiProperty({ description: 'Result summary to tell the user at the next hot swap' })
  text?: unknown;

  @ApiPropertyOptional({ description: 'Character (default: the current one)' })
  lanlan_name?: unknown;
}

/** Forwarded verbatim; the agent knows the actions. */
export class AdminControlDto {
  @ApiProperty({ enum: ['enable_analyzer', 'disable_analyzer', 'end_all'] })
  action?: unknown;

  @ApiPropertyOptional({ description: 'Analyzer profile (enable_analyzer)' })
  profile?: unknown;
}

/** Forwarded to the agent's V1 `POST /agent/command` (it validates the command). */
export class AgentCommandDto {
  @ApiProperty({ enum: ['set_agent_enabled', 'set_flag', 'refresh_state'] })
  command?: unknown;

  @ApiPropertyOptional({ description: 'set_agent_enabled' })
  enabled?: unknown;

  @ApiPropertyOptional({ description: 'set_flag: mcp_enabled, computer_use_enabled, browser_use_enabled, user_plugin_enabled, openfang_enabled' })
  key?: unknown;

  @ApiPropertyOptional({ description: 'set_flag' })
  value?: unknown;

  @ApiPropertyOptional({ description: 'Character (default: the current one)' })
  lanlan_name?: unknown;

  @ApiPropertyOptional()
  request_id?: unknown;

  @ApiPropertyOptional({ description: 'set_agent_enabled: analyzer profile' })
  profile?: unknown;
}

export class SuccessAnswerDto {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiPropertyOptional()
  error?: string;
}

export class FlagsAnswerDto {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiProperty({ description: "core_config's free-version switch (V1)" })
  is_free_version!: boolean;
}

export class AvailabilityDto {
  @ApiProperty()
  ready!: boolean;

  @ApiProperty({ type: [String] })
  reasons!: string[];
}

export class TaskStatusDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) tasks!: unknown[];
  @ApiProperty() total_count!: number;
  @ApiProperty() running_count!: number;
  @ApiProperty() queued_count!: number;
  @ApiProperty() completed_count!: number;
  @ApiProperty() failed_count!: number;
  @ApiProperty({ description: 'Local time, ISO 8601' }) timestamp!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) debug!: Record<string, unknown>;
}
