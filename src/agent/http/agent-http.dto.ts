import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Swagger descriptions only: bodies are read field by field (FastAPI `dict` bodies, spec §7.2/§8.5). */
export class AgentFlagsBodyDto {
  @ApiPropertyOptional({ description: 'Character the status update is for' }) lanlan_name?: string;
  @ApiPropertyOptional() mcp_enabled?: boolean;
  @ApiPropertyOptional() computer_use_enabled?: boolean;
  @ApiPropertyOptional() browser_use_enabled?: boolean;
  @ApiPropertyOptional({ description: 'Not built in N.E.K.O.-TS: cannot be turned on' }) user_plugin_enabled?: boolean;
  @ApiPropertyOptional({ description: 'Not built in N.E.K.O.-TS: cannot be turned on' }) openfang_enabled?: boolean;
}

export class AgentCommandDto {
  @ApiProperty({ enum: ['set_agent_enabled', 'set_flag', 'refresh_state'] }) command!: string;
  @ApiPropertyOptional({ description: 'set_agent_enabled' }) enabled?: boolean;
  @ApiPropertyOptional({ description: 'set_agent_enabled: opaque analyzer profile' }) profile?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'set_flag: mcp_enabled, computer_use_enabled, browser_use_enabled, user_plugin_enabled, openfang_enabled' }) key?: string;
  @ApiPropertyOptional({ description: 'set_flag' }) value?: boolean;
  @ApiPropertyOptional() lanlan_name?: string;
  @ApiPropertyOptional({ description: 'Echoed back as given (string or number); generated when absent' }) request_id?: string;
}

export class AdminControlBodyDto {
  @ApiProperty({ enum: ['end_all', 'enable_analyzer', 'disable_analyzer'] }) action!: string;
  @ApiPropertyOptional({ description: 'enable_analyzer: opaque analyzer profile' }) profile?: Record<string, unknown>;
}

export class RunInstructionDto {
  @ApiProperty({ description: 'What to do, in words' }) instruction!: string;
  @ApiPropertyOptional() lanlan_name?: string;
  @ApiPropertyOptional({ description: 'Accepted for compatibility and ignored' }) screenshot_b64?: string;
}

export class PluginExecuteDto {
  @ApiProperty() plugin_id!: string;
  @ApiPropertyOptional() entry_id?: string;
  @ApiPropertyOptional() args?: Record<string, unknown>;
  @ApiPropertyOptional() lanlan_name?: string;
}

export class AvailabilityAnswerDto {
  @ApiProperty() ready!: boolean;
  @ApiProperty({ type: [String] }) reasons!: string[];
}

export class BrowserUseAvailabilityDto extends AvailabilityAnswerDto {
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({ example: 'browser-use' }) provider!: string;
}

export class ComputerUseAvailabilityDto extends BrowserUseAvailabilityDto {
  @ApiProperty({ description: 'The agent tier model' }) model!: string;
  @ApiProperty() ground_provider!: string;
  @ApiProperty() ground_model!: string;
}

export class McpAvailabilityDto extends AvailabilityAnswerDto {
  @ApiProperty() capabilities_count!: number;
}

export class CapabilitiesAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{"server/tool": {title, description, input_schema, type: "mcp_tool"}}' })
  capabilities!: Record<string, unknown>;
  @ApiPropertyOptional() error?: string;
}

export class TaskQueuedAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty() task_id!: string;
  @ApiProperty({ example: 'queued' }) status!: string;
  @ApiProperty() start_time!: string;
}

export class BrowserRunAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ description: 'The detail, or the summary when there is none' }) result!: string;
  @ApiProperty() summary!: string;
  @ApiProperty() task_id!: string;
}
