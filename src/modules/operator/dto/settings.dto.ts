import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

/** Operator preferences; every field optional on update (a partial merge). */
export class OperatorSettingsDto {
  @ApiPropertyOptional({ enum: ['dark', 'light'] })
  @IsOptional()
  @IsIn(['dark', 'light'])
  theme?: 'dark' | 'light';

  @ApiPropertyOptional({ enum: ['en', 'es'] })
  @IsOptional()
  @IsIn(['en', 'es'])
  language?: 'en' | 'es';

  @ApiPropertyOptional({
    type: 'integer',
    description: 'TTL the console proposes when waking a module',
    example: 300,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  default_window_ttl_sec?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'How often the console refreshes, in seconds',
    example: 5,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(300)
  refresh_interval_sec?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'Event types the live feed shows (empty: all)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^[a-z0-9_.*-]{1,64}$/i, { each: true })
  event_types?: string[];
}

export type OperatorSettings = Required<OperatorSettingsDto>;

export const DEFAULT_SETTINGS: OperatorSettings = {
  theme: 'dark',
  language: 'en',
  default_window_ttl_sec: 300,
  refresh_interval_sec: 5,
  event_types: [],
};
