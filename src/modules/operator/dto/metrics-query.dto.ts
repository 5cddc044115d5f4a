import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class MetricsQueryDto {
  @ApiPropertyOptional({ example: 'rss_mb' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_]{1,64}$/, { message: 'name must be a metric name like rss_mb' })
  name?: string;

  @ApiPropertyOptional({ type: 'integer', example: 3600, default: 3600 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30 * 24 * 3600)
  window_seconds?: number;

  @ApiPropertyOptional({ example: 'switch' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,32}$/)
  module?: string;
}
