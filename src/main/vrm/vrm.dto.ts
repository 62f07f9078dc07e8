import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';

/** DELETE /api/model/vrm/model: the URL of a user model as /models lists it. */
export class VrmDeleteDto {
  @ApiProperty({ description: 'URL of a top-level user model', example: '/user_vrm/MyAvatar.vrm' })
  @IsString({ message: '缺少 url 参数' })
  @IsNotEmpty({ message: '缺少 url 参数' })
  url!: string;
}

/** POST emotion_mapping: emotion → VRM expression name(s); free-form keys. */
export class VrmEmotionMappingDto {
  [emotion: string]: unknown;
}
