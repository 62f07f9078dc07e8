import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_PATH_LENGTH } from './workshop.const';

/* Validators are listed with the type check last: class-validator reports the lowest decorator's
 * message first, and the body pipe answers the first message. */
const NO_NUL = /^[^\0]*$/;

export class WorkshopConfigBodyDto {
  @ApiPropertyOptional({ description: 'Default local workshop folder (relative = from the home folder)' })
  @IsOptional()
  @Matches(NO_NUL, { message: '无效的路径' })
  @MaxLength(MAX_PATH_LENGTH, { message: '路径过长' })
  @IsString({ message: 'default_workshop_folder必须是字符串' })
  default_workshop_folder?: string;

  @ApiPropertyOptional({ description: 'Create the mod folder when saving (default true)' })
  @IsOptional()
  @IsBoolean({ message: 'auto_create_folder必须是布尔值' })
  auto_create_folder?: boolean;

  @ApiPropertyOptional({ description: "The user's mod folder; wins over the default folder" })
  @IsOptional()
  @Matches(NO_NUL, { message: '无效的路径' })
  @MaxLength(MAX_PATH_LENGTH, { message: '路径过长' })
  @IsString({ message: 'user_mod_folder必须是字符串' })
  user_mod_folder?: string;
}

export class ScanBodyDto {
  @ApiPropertyOptional({ description: 'Folder to scan (default: the workshop folder)' })
  @IsOptional()
  @MaxLength(MAX_PATH_LENGTH, { message: '路径过长' })
  @IsString({ message: 'folder_path必须是字符串' })
  folder_path?: string;
}

export class UnsubscribeBodyDto {
  @ApiProperty({ description: 'Published file id (digits)', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsOptional()
  item_id?: unknown;
}

export class PublishBodyDto {
  @ApiProperty({ description: 'Item title' })
  @IsDefined({ message: '缺少必要字段: title' })
  @MaxLength(128, { message: '标题过长' })
  @IsString({ message: '标题必须是字符串' })
  title!: string;

  @ApiProperty({ description: 'Folder to upload (inside the workshop folders)' })
  @IsDefined({ message: '缺少必要字段: content_folder' })
  @MaxLength(MAX_PATH_LENGTH, { message: '路径过长' })
  @IsString({ message: '内容文件夹路径必须是字符串' })
  content_folder!: string;

  @ApiProperty({ description: '0 public, 1 friends only, 2 private', oneOf: [{ type: 'integer' }, { type: 'string' }] })
  @IsDefined({ message: '缺少必要字段: visibility' })
  visibility!: unknown;

  @ApiPropertyOptional({ description: 'Preview image path (default: a preview file found in the folder)' })
  @IsOptional()
  @MaxLength(MAX_PATH_LENGTH, { message: '路径过长' })
  @IsString({ message: '预览图片路径必须是字符串' })
  preview_image?: string;

  @ApiPropertyOptional({ description: 'Item description' })
  @IsOptional()
  @MaxLength(8000, { message: '描述过长' })
  @IsString({ message: '描述必须是字符串' })
  description?: string;

  @ApiPropertyOptional({ description: 'Tags', type: [String] })
  @IsOptional()
  @MaxLength(64, { each: true, message: '标签过长' })
  @IsString({ each: true, message: '标签必须是字符串' })
  @ArrayMaxSize(20, { message: '标签过多' })
  @IsArray({ message: '标签必须是数组' })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Change note (default 初始发布)' })
  @IsOptional()
  @MaxLength(8000, { message: '更新说明过长' })
  @IsString({ message: '更新说明必须是字符串' })
  change_note?: string;

  @ApiPropertyOptional({ description: 'Ignored, as in the original', type: Boolean })
  @IsOptional()
  allow_comments?: unknown;
}

export class LocalItemQueryDto {
  @ApiPropertyOptional({ description: 'The item folder (absolute, or relative to the workshop folder)' })
  @IsOptional()
  @MaxLength(MAX_PATH_LENGTH)
  @IsString()
  folder_path?: string;
}

export class UploadStatusQueryDto {
  @ApiPropertyOptional({ description: 'The item folder (absolute, or relative to the workshop folder)' })
  @IsOptional()
  @MaxLength(MAX_PATH_LENGTH)
  @IsString()
  item_path?: string;
}
