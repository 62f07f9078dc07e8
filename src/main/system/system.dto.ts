import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_PATH_LENGTH } from '../workshop/workshop.const';

/* Validators are listed with the type check last: class-validator reports the lowest decorator's
 * message first, and the body pipe answers the first message. */
export const MAX_EMOTION_TEXT = 20_000;
/** A screenshot data URL (base64 of at most 16 MiB, see screenshot-data-url.parser). */
export const MAX_SCREENSHOT_CHARS = 24 * 1024 * 1024;

export class EmotionAnalysisDto {
  @ApiProperty({ description: 'Text to analyse (the last assistant bubble)', maxLength: MAX_EMOTION_TEXT })
  @IsDefined({ message: '请求体中必须包含text字段' })
  @MaxLength(MAX_EMOTION_TEXT, { message: 'text字段过长' })
  @IsString({ message: '请求体中必须包含text字段' })
  text!: string;

  @ApiPropertyOptional({ description: 'Character the text belongs to' })
  @IsOptional()
  @MaxLength(200, { message: 'lanlan_name过长' })
  @IsString({ message: 'lanlan_name必须是字符串' })
  lanlan_name?: string;

  @ApiPropertyOptional({ description: 'API key overriding the emotion tier of core_config' })
  @IsOptional()
  @MaxLength(1000, { message: 'api_key过长' })
  @IsString({ message: 'api_key必须是字符串' })
  api_key?: string;

  @ApiPropertyOptional({ description: 'Model overriding the emotion tier of core_config' })
  @IsOptional()
  @MaxLength(200, { message: 'model过长' })
  @IsString({ message: 'model必须是字符串' })
  model?: string;
}

export class ProactiveChatDto {
  @ApiPropertyOptional({ description: 'Character that may speak first (default: the current one)' })
  @IsOptional()
  @MaxLength(200, { message: 'lanlan_name过长' })
  @IsString({ message: 'lanlan_name必须是字符串' })
  lanlan_name?: string;

  @ApiPropertyOptional({ description: 'Screenshot as a data URL (data:image/jpeg;base64,…); JPEG, PNG or WebP' })
  @IsOptional()
  @MaxLength(MAX_SCREENSHOT_CHARS, { message: '截图数据过大' })
  @IsString({ message: 'screenshot_data必须是字符串' })
  screenshot_data?: string;
}

export class FileExistsQueryDto {
  @ApiPropertyOptional({ description: 'File path (absolute, or relative to the workshop folder)' })
  @IsOptional()
  @MaxLength(MAX_PATH_LENGTH)
  @IsString()
  path?: string;
}

export class FindFirstImageQueryDto {
  @ApiPropertyOptional({ description: 'Folder to look for a preview image in' })
  @IsOptional()
  @MaxLength(MAX_PATH_LENGTH)
  @IsString()
  folder?: string;
}

export class ProxyImageQueryDto {
  @ApiProperty({ description: 'Image path (absolute, static/…, or relative to the workshop folder); may be URL-encoded twice' })
  @MaxLength(MAX_PATH_LENGTH * 3)
  @IsString()
  image_path!: string;
}
