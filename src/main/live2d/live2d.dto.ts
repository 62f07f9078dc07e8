import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, ValidateIf } from 'class-validator';

/** POST model_config: only FileReferences.Motions / .Expressions are copied into the model3.json. */
export class ModelConfigUpdateDto {
  @ApiPropertyOptional({
    description: 'Cubism FileReferences; only its `Motions` (object) and `Expressions` (array) keys are used',
    example: { Motions: { Idle: [{ File: 'motions/idle.motion3.json' }] }, Expressions: [{ Name: 'happy_smile', File: 'expressions/smile.exp3.json' }] },
    type: 'object',
    additionalProperties: true,
  })
  @ValidateIf((o: ModelConfigUpdateDto) => o.FileReferences !== undefined)
  @IsObject({ message: '无效的数据' })
  FileReferences?: Record<string, unknown>;
}

/** POST emotion_mapping: emotion → files of the model folder (relative, `/` separators). */
export class EmotionMappingDto {
  @ApiPropertyOptional({
    description: 'emotion → motion files; the group "常驻" is ignored for motions',
    example: { happy: ['motions/happy.motion3.json'] },
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  @ValidateIf((o: EmotionMappingDto) => o.motions !== undefined && o.motions !== null)
  @IsObject({ message: '无效的数据' })
  motions?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'emotion → expression files; "常驻" holds the persistent expressions',
    example: { happy: ['expressions/smile.exp3.json'], 常驻: ['expressions/blush.exp3.json'] },
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  @ValidateIf((o: EmotionMappingDto) => o.expressions !== undefined && o.expressions !== null)
  @IsObject({ message: '无效的数据' })
  expressions?: Record<string, unknown>;
}

/** POST save_model_parameters: parameter id → value, stored as the model's parameters.json. */
export class SaveParametersDto {
  @ApiPropertyOptional({
    description: 'Live2D parameter id → value',
    example: { ParamAngleX: 3.5, ParamEyeLOpen: 0.8 },
    type: 'object',
    additionalProperties: { type: 'number' },
  })
  @ValidateIf((o: SaveParametersDto) => o.parameters !== undefined)
  @IsObject({ message: '参数格式错误' })
  parameters?: Record<string, unknown>;
}
