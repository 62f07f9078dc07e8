import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A point or scale of the avatar. */
export class XyDto {
  @ApiProperty()
  x!: number;

  @ApiProperty()
  y!: number;
}

/**
 * Body of POST /api/config/preferences (spec §3.1). Checked by PreferencesApiService with the
 * original's messages; upstream's display/rotation/viewport/camera_position are kept as sent.
 */
export class PreferenceDto {
  @ApiProperty({ description: 'URL of the model3.json as the browser loads it', example: '/static/mao_pro/mao_pro.model3.json' })
  model_path?: unknown;

  @ApiProperty({ type: XyDto })
  position?: unknown;

  @ApiProperty({ type: XyDto })
  scale?: unknown;

  @ApiPropertyOptional({ description: 'Live2D parameter values by id', type: Object })
  parameters?: unknown;

  [field: string]: unknown;
}

export class PreferredModelDto {
  @ApiProperty({ description: 'model_path of the entry to make preferred (index 0)' })
  model_path?: unknown;
}
