import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Swagger descriptions of the answers (spec §8.4 snapshot, §8.5 routes); handlers build plain objects. */
export class AgentFlagsStateDto {
  @ApiProperty() mcp_enabled!: boolean;
  @ApiProperty() computer_use_enabled!: boolean;
  @ApiProperty() browser_use_enabled!: boolean;
  @ApiProperty() user_plugin_enabled!: boolean;
  @ApiProperty() openfang_enabled!: boolean;
}

export class AgentGateDto {
  @ApiProperty() ready!: boolean;
  @ApiProperty({ type: [String], example: ['AGENT_KEY_NOT_CONFIGURED'] }) reasons!: string[];
  @ApiProperty() is_free_version!: boolean;
}

export class CapabilityStateDto {
  @ApiProperty() ready!: boolean;
  @ApiProperty({ description: "'' when ready, else an AGENT_* reason code" }) reason!: string;
}

export class CapabilitiesDto {
  @ApiProperty() computer_use!: CapabilityStateDto;
  @ApiProperty() browser_use!: CapabilityStateDto;
  @ApiProperty() user_plugin!: CapabilityStateDto;
  @ApiProperty() openfang!: CapabilityStateDto;
  @ApiProperty({ description: 'Ours: the kept V0 MCP channel' }) mcp!: CapabilityStateDto;
}

export class TaskRowDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['mcp', 'browser_use', 'computer_use'] }) type!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] }) status!: string;
  @ApiProperty({ description: 'UTC, microseconds, Z' }) start_time!: string;
  @ApiPropertyOptional() end_time?: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) result!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, nullable: true }) lanlan_name!: string | null;
  @ApiProperty({ example: 'runtime' }) source!: string;
  @ApiPropertyOptional() progress?: number;
  @ApiPropertyOptional() stage?: string;
  @ApiPropertyOptional() message?: string;
}

export class AgentSnapshotDto {
  @ApiProperty() revision!: number;
  @ApiProperty() server_online!: boolean;
  @ApiProperty() analyzer_enabled!: boolean;
  @ApiProperty() flags!: AgentFlagsStateDto;
  @ApiProperty() gate!: AgentGateDto;
  @ApiProperty() capabilities!: CapabilitiesDto;
  @ApiProperty({ type: [TaskRowDto] }) active_tasks!: TaskRowDto[];
  @ApiProperty({ type: String, nullable: true, description: 'JSON {code, details}' }) notification!: string | null;
  @ApiProperty({ description: 'UTC, microseconds, Z' }) updated_at!: string;
}

export class FlagsReadAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty() agent_flags!: AgentFlagsStateDto;
  @ApiProperty() analyzer_enabled!: boolean;
  @ApiProperty() agent_api_gate!: AgentGateDto;
  @ApiProperty() revision!: number;
  @ApiProperty({ type: String, nullable: true, description: 'JSON {code, details}, cleared by this read' }) notification!: string | null;
}

export class FlagsSetAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty() agent_flags!: AgentFlagsStateDto;
}

export class StateAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty() snapshot!: AgentSnapshotDto;
}

export class CommandTimingDto {
  @ApiProperty() received_at!: string;
  @ApiProperty() finished_at!: string;
  @ApiProperty() elapsed_ms!: number;
}

export class CommandAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty({ description: 'As sent (string or number), generated when absent' }) request_id!: string;
  @ApiProperty() timing!: CommandTimingDto;
  @ApiProperty() snapshot!: AgentSnapshotDto;
}

export class AdminControlAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiPropertyOptional({ description: 'end_all' }) message?: string;
  @ApiPropertyOptional({ description: 'enable_analyzer / disable_analyzer' }) analyzer_enabled?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) profile?: Record<string, unknown>;
}

export class TaskListDebugDto {
  @ApiProperty() task_registry_count!: number;
  @ApiProperty() total_returned!: number;
}

export class TaskListAnswerDto {
  @ApiProperty({ type: [TaskRowDto] }) tasks!: TaskRowDto[];
  @ApiProperty() debug!: TaskListDebugDto;
}

export class TaskActionDto {
  @ApiProperty() at!: string;
  @ApiProperty() stage!: string;
  @ApiProperty() message!: string;
}

export class TaskDetailAnswerDto extends TaskRowDto {
  @ApiProperty({ type: [TaskActionDto] }) actions!: TaskActionDto[];
}

export class CancelAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiPropertyOptional() task_id?: string;
  @ApiPropertyOptional({ example: 'cancelled' }) status?: string;
  @ApiPropertyOptional({ example: 'task is not active' }) error?: string;
}

export class MessageAnswerDto {
  @ApiProperty() success!: boolean;
  @ApiProperty() message!: string;
}
