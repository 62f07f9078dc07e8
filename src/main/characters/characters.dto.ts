import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/*
 * Bodies of the characters router. Most are free-form in the original (request.json() read key by
 * key), so the DTOs describe them for Swagger and the services check each value with the
 * original's own messages; unknown keys are kept (character profiles are any keys).
 */

/** A character or master profile: `档案名` plus any profile fields (性别, 昵称, system_prompt …). */
export class ProfileDto {
  @ApiPropertyOptional({ description: 'Profile name (the key in 猫娘, or the master name)', example: '小天' })
  '档案名'?: unknown;

  @ApiPropertyOptional({ description: 'Custom voice id (may be "")' })
  voice_id?: unknown;

  @ApiPropertyOptional({ description: 'Prompt template with {LANLAN_NAME}/{MASTER_NAME}' })
  system_prompt?: unknown;

  [field: string]: unknown;
}

export class RenameDto {
  @ApiProperty({ description: 'New profile name', example: '小雪' })
  new_name?: unknown;
}

export class CurrentCatgirlDto {
  @ApiProperty({ description: 'Character to switch to', example: '小天' })
  catgirl_name?: unknown;
}

export class MicrophoneDto {
  @ApiProperty({ description: 'Browser microphone deviceId, or null', nullable: true, type: String })
  microphone_id?: unknown;
}

export class ModelChoiceDto {
  @ApiPropertyOptional({ description: 'Live2D model folder name', example: 'mao_pro' })
  live2d?: unknown;

  @ApiPropertyOptional({ description: 'Steam workshop item id of the model' })
  item_id?: unknown;

  @ApiPropertyOptional({ description: 'Upstream: live2d | vrm | mmd', enum: ['live2d', 'vrm', 'mmd'] })
  model_type?: unknown;

  @ApiPropertyOptional({ description: 'Upstream: VRM model path (with model_type vrm)' })
  vrm?: unknown;

  @ApiPropertyOptional({ description: 'Upstream: VRM animation' })
  vrm_animation?: unknown;

  @ApiPropertyOptional({ description: 'Upstream: idle animation' })
  idle_animation?: unknown;

  @ApiPropertyOptional({ description: 'Upstream: MMD model path (with model_type mmd)' })
  mmd?: unknown;
}

export class VoiceIdDto {
  @ApiProperty({ description: 'Voice id from the voice library ("" = default voice)' })
  voice_id?: unknown;
}

export class RegisterVoiceDto {
  @ApiProperty({ description: 'Voice id' })
  voice_id?: unknown;

  @ApiProperty({ description: 'Stored fields (prefix, file_url …)', type: Object })
  voice_data?: unknown;
}

export class CurrentModelQueryDto {
  @ApiPropertyOptional({ description: 'Character (default: 当前猫娘)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  catgirl_name?: string;

  @ApiPropertyOptional({ description: 'Workshop item id to look up instead' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  item_id?: string;
}

/** Multipart form of voice_clone (for Swagger; read from the stream). */
export class VoiceCloneFormDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'WAV (16-bit mono), MP3 or M4A sample, at most 100 MB' })
  file!: unknown;

  @ApiProperty({ description: 'Voice name prefix for the provider' })
  prefix!: string;
}
