import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

const MAX_TEXT = 20_000;

/** Time window and session filter shared by listing and search. */
export class TimeWindowDto {
  @ApiPropertyOptional({ description: 'ISO-8601 start of the time window' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 end of the time window' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({ description: 'Only this session (one /process or /renew call)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  session?: string;
}

export class PageQueryDto extends TimeWindowDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class SearchQueryDto extends TimeWindowDto {
  @ApiProperty({ description: 'What to recall (any language)' })
  @IsString()
  @MaxLength(2000)
  q!: string;

  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  k?: number;
}

export class EditTextDto {
  @ApiProperty({ description: 'New text of the memory' })
  @IsString()
  @MaxLength(MAX_TEXT)
  text!: string;
}

export class RecentEntryDto {
  @ApiProperty({ enum: ['human', 'ai', 'system'] })
  @IsIn(['human', 'ai', 'system'])
  type!: 'human' | 'ai' | 'system';

  @ApiProperty()
  @IsString()
  @MaxLength(MAX_TEXT)
  text!: string;
}

export class ReplaceRecentDto {
  @ApiProperty({ type: [RecentEntryDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => RecentEntryDto)
  entries!: RecentEntryDto[];
}
