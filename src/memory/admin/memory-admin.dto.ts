import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

/** Longest text of one message the memory browser may save (as the JSON browse API). */
export const MAX_RECENT_TEXT = 20_000;
/** Most messages in one saved recent file. */
export const MAX_RECENT_ENTRIES = 1000;

export class RecentFileMessageDto {
  @ApiProperty({ enum: ['system', 'human', 'ai'], description: 'LangChain message type' })
  @IsIn(['system', 'human', 'ai'])
  role!: 'system' | 'human' | 'ai';

  @ApiPropertyOptional({ description: 'Message text (default empty)', maxLength: MAX_RECENT_TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RECENT_TEXT)
  text?: string;
}

/** Body of PUT /api/memory/{name}/recent/file: the memory browser's edited chat. */
export class WriteRecentFileDto {
  @ApiProperty({ type: [RecentFileMessageDto], maxItems: MAX_RECENT_ENTRIES })
  @IsArray()
  @ArrayMaxSize(MAX_RECENT_ENTRIES)
  @ValidateNested({ each: true })
  @Type(() => RecentFileMessageDto)
  chat!: RecentFileMessageDto[];
}

/** Body of POST /api/memory/{name}/rename. */
export class RenameMemoryDto {
  @ApiProperty({ description: 'New character name (same rule as the {name} path segment)' })
  @IsString()
  @MaxLength(200)
  new_name!: string;
}

export class MemoryCharacterDto {
  @ApiProperty({ description: 'Character name' })
  name!: string;

  @ApiProperty({ description: 'Basename of the recent file', example: 'recent_小天.json' })
  recent_file!: string;

  @ApiProperty({ description: 'Messages in the recent file' })
  recent_entries!: number;
}

export class MemoryCharactersDto {
  @ApiProperty({ type: [MemoryCharacterDto] })
  characters!: MemoryCharacterDto[];
}

export class RecentFileContentDto {
  @ApiProperty({ description: 'Raw text of recent_{name}.json' })
  content!: string;
}

export class RemovedMemoryDto {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiProperty({ type: [String], description: 'Basenames removed from the memory folder' })
  removed!: string[];
}
