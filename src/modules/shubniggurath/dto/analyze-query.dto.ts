import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { STYLE_NAMES, StyleName } from '../mastering-advice';

export const TARGET_LUFS_RANGE = { min: -70, max: 0 } as const;

/**
 * Query of POST /shub/analyze and /shub/batch (a multipart body may carry `style` and
 * `target_lufs` as form fields instead).
 */
export class AnalyzeQuery {
  @ApiPropertyOptional({ enum: STYLE_NAMES, description: 'Style template (default modern_pop)' })
  @IsOptional()
  @IsIn(STYLE_NAMES)
  style?: StyleName;

  @ApiPropertyOptional({
    description: 'Custom loudness target in LUFS (overrides the style’s target)',
    example: -14,
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(TARGET_LUFS_RANGE.min)
  @Max(TARGET_LUFS_RANGE.max)
  target_lufs?: number;

  @ApiPropertyOptional({
    description: 'A name for a raw (audio/wav) upload',
    example: 'mix-v3.wav',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;
}
