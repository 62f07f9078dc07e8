import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/** Bounds of the MCP server editor (the agent's parser accepts more; people never need it). */
export const MCP_EDIT_LIMITS = { servers: 32, nameChars: 64, commandBytes: 1024, args: 32, argChars: 4096, mapEntries: 32, keyChars: 256, valueChars: 4096, urlChars: 2048 } as const;

/** A flat string → string object with at most `MCP_EDIT_LIMITS.mapEntries` entries (env, headers). */
function IsStringMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (a: ValidationArguments) =>
          `${a.property} must map names (≤ ${MCP_EDIT_LIMITS.keyChars} characters) to text values (≤ ${MCP_EDIT_LIMITS.valueChars} characters), at most ${MCP_EDIT_LIMITS.mapEntries} entries`,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= MCP_EDIT_LIMITS.mapEntries &&
            entries.every(([k, v]) => k.trim() !== '' && k.length <= MCP_EDIT_LIMITS.keyChars && typeof v === 'string' && v.length <= MCP_EDIT_LIMITS.valueChars)
          );
        },
      },
    });
}

/** Command lines are bounded in bytes (a UTF-8 path can be long in characters). */
function MaxBytes(max: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'maxBytes',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (a: ValidationArguments) => `${a.property} is longer than ${max} bytes` },
      validator: { validate: (value: unknown) => typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= max },
    });
}

/**
 * One entry of `mcp.json`'s `mcpServers`, with its name: either a program the agent starts
 * (stdio: `command`, `args`, `env`, `cwd`) or a server it calls (`url`, `headers`, `type`).
 */
export class McpServerEntryDto {
  @ApiProperty({ description: 'Unique name (letters, digits, "_", "-", ".")', example: 'notes', maxLength: MCP_EDIT_LIMITS.nameChars })
  @IsString({ message: 'name must be text' })
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'name must be 1-64 characters of letters, digits, "_", "-" or "."' })
  name!: string;

  @ApiPropertyOptional({ description: 'stdio: the program to start', example: 'npx' })
  @IsOptional()
  @IsString({ message: 'command must be text' })
  @MinLength(1, { message: 'command must not be empty' })
  @MaxBytes(MCP_EDIT_LIMITS.commandBytes)
  command?: string;

  @ApiPropertyOptional({ type: [String], description: 'stdio: its arguments', example: ['-y', '@modelcontextprotocol/server-memory'] })
  @IsOptional()
  @IsArray({ message: 'args must be a list of text' })
  @ArrayMaxSize(MCP_EDIT_LIMITS.args, { message: `at most ${MCP_EDIT_LIMITS.args} arguments` })
  @IsString({ each: true, message: 'every argument must be text' })
  @MaxLength(MCP_EDIT_LIMITS.argChars, { each: true, message: `an argument is longer than ${MCP_EDIT_LIMITS.argChars} characters` })
  args?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'stdio: environment variables' })
  @IsOptional()
  @IsStringMap()
  env?: Record<string, string>;

  @ApiPropertyOptional({ description: 'stdio: working folder' })
  @IsOptional()
  @IsString({ message: 'cwd must be text' })
  @MinLength(1, { message: 'cwd must not be empty' })
  @MaxLength(MCP_EDIT_LIMITS.commandBytes, { message: `cwd is longer than ${MCP_EDIT_LIMITS.commandBytes} characters` })
  cwd?: string;

  @ApiPropertyOptional({ description: 'HTTP: the server address (http or https)', example: 'http://127.0.0.1:3282/mcp' })
  @IsOptional()
  @IsString({ message: 'url must be text' })
  @MaxLength(MCP_EDIT_LIMITS.urlChars, { message: `url is longer than ${MCP_EDIT_LIMITS.urlChars} characters` })
  url?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'HTTP: request headers (e.g. Authorization)' })
  @IsOptional()
  @IsStringMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ enum: ['stdio', 'streamable-http', 'http', 'sse'], description: 'Transport; HTTP without it tries streamable HTTP, then SSE' })
  @IsOptional()
  @IsIn(['stdio', 'streamable-http', 'http', 'sse'], { message: 'type must be stdio, streamable-http, http or sse' })
  type?: 'stdio' | 'streamable-http' | 'http' | 'sse';
}

/**
 * PUT /api/agent/mcp_servers: the whole list. It replaces the editable entries of `mcpServers`;
 * other keys of the file, and entries the editor cannot show (listed as `invalid`), stay as they are.
 */
export class McpServersDto {
  @ApiProperty({ type: [McpServerEntryDto] })
  @IsArray({ message: 'servers must be a list' })
  @ArrayMaxSize(MCP_EDIT_LIMITS.servers, { message: `at most ${MCP_EDIT_LIMITS.servers} servers` })
  @ValidateNested({ each: true })
  @IsObject({ each: true, message: 'every server must be an object' })
  @Type(() => McpServerEntryDto)
  servers!: McpServerEntryDto[];

  @ApiPropertyOptional({ description: 'The revision of the GET this list was edited from: when the file changed since, the PUT is refused with 409 (nothing is lost)' })
  @IsOptional()
  @IsString({ message: 'revision must be text' })
  @MaxLength(64, { message: 'revision is too long' })
  revision?: string;
}

export class McpServersAnswerDto {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiProperty({ description: 'Where the file is (the data folder)' })
  path!: string;

  @ApiProperty({ description: 'False while the file does not exist' })
  exists!: boolean;

  @ApiProperty({ description: 'Names the file content read ("" = no file); send it back with the PUT' })
  revision!: string;

  @ApiProperty({ type: [McpServerEntryDto] })
  servers!: McpServerEntryDto[];

  @ApiPropertyOptional({ type: [Object], description: 'Entries of the file the editor cannot show, kept untouched unless a server of the same name is saved: {name, error}' })
  invalid?: { name: string; error: string }[];

  @ApiPropertyOptional({ description: 'Why the file as a whole could not be read (not JSON, not an object); saving keeps it as mcp.json.broken-<time>' })
  problem?: string;

  @ApiPropertyOptional({ description: 'PUT: whether the agent was told to re-read the file (it also notices the change by itself)' })
  agent_notified?: boolean;
}
