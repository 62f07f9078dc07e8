import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/** GET /api/memory/recent_file?filename= (missing → 422 like FastAPI). */
export class RecentFileQueryDto {
  @ApiProperty({ description: 'A name listed by recent_files', example: 'recent_小天.json' })
  @IsString()
  @MaxLength(1000)
  filename!: string;
}

/** POST /api/memory/recent_file/save. Checked field by field with N.E.K.O.'s messages (400). */
export class SaveRecentFileDto {
  @ApiProperty({ description: 'recent_<character>.json', example: 'recent_小天.json' })
  filename?: unknown;

  @ApiProperty({
    description: 'The edited chat: [{"role": "system"|"human"|"ai", "text": str}]',
    example: [{ role: 'system', text: '先前对话的备忘录: 无。' }, { role: 'human', text: '你好' }],
  })
  chat?: unknown;
}

/** POST /api/memory/update_catgirl_name. */
export class UpdateCatgirlNameDto {
  @ApiProperty({ description: 'Name the memory is stored under now' })
  old_name?: unknown;

  @ApiProperty({ description: 'New character name' })
  new_name?: unknown;
}

/** POST /api/memory/review_config. */
export class ReviewConfigDto {
  @ApiPropertyOptional({ default: true, description: 'core_config.json recent_memory_auto_review' })
  @IsOptional()
  @IsBoolean({ message: 'enabled 必须是布尔值' })
  enabled?: boolean;
}

export class RecentFilesDto {
  @ApiProperty({ type: [String], example: ['recent_小天.json'] })
  files!: string[];
}

export class RecentFileContentDto {
  @ApiProperty({ description: 'Raw text of the file (a LangChain message list)' })
  content!: string;
}

export class SuccessDto {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiPropertyOptional({ description: 'Why it failed' })
  error?: string;
}

export class ReviewConfigAnswerDto {
  @ApiPropertyOptional({ example: true })
  success?: boolean;

  @ApiProperty({ example: true })
  enabled!: boolean;
}
