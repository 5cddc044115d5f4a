import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DEFAULT_UPTIME_RANGE, UPTIME_RANGE_NAMES, UptimeRange } from '../health-uptime.math';

export class HealthUptimeQuery {
  @ApiPropertyOptional({ enum: UPTIME_RANGE_NAMES, default: DEFAULT_UPTIME_RANGE })
  @IsOptional()
  @IsIn(UPTIME_RANGE_NAMES, { message: `range must be one of ${UPTIME_RANGE_NAMES.join(', ')}` })
  range?: UptimeRange;
}

export class UptimeBucketDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Start of the bucket (ISO 8601)',
    example: '2026-01-05T10:15:00.000Z',
  })
  t: string;

  @ApiProperty({ type: 'integer', description: 'Successful checks in the bucket', example: 15 })
  ok: number;

  @ApiProperty({ type: 'integer', description: 'Failed checks in the bucket', example: 0 })
  fail: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Mean latency of the successful checks; null when none succeeded',
    example: 3.4,
  })
  avg_latency_ms: number | null;
}

export class ModuleUptimeDto {
  @ApiProperty({ example: 'madre' })
  module: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Successful checks in percent, rounded down to 2 decimals; null without checks',
    example: 99.93,
  })
  uptime_pct: number | null;

  @ApiProperty({ type: 'integer', description: 'Checks in the range', example: 1440 })
  samples: number;

  @ApiProperty({ type: 'integer', description: 'Failed checks in the range', example: 1 })
  failures: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median latency of the successful checks (nearest rank)',
    example: 2.8,
  })
  latency_p50_ms: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: '95th percentile latency of the successful checks (nearest rank)',
    example: 7.5,
  })
  latency_p95_ms: number | null;

  @ApiProperty({ type: [UptimeBucketDto], description: 'Every bucket of the range, oldest first' })
  buckets: UptimeBucketDto[];
}

export class HealthUptimeDto {
  @ApiProperty({ enum: UPTIME_RANGE_NAMES })
  range: UptimeRange;

  @ApiProperty({ format: 'date-time', description: 'Checks from this instant on count (ISO 8601)' })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'Checks up to this instant count (ISO 8601)' })
  to: string;

  @ApiProperty({ type: 'integer', description: 'Width of one bucket in seconds', example: 900 })
  bucket_sec: number;

  @ApiProperty({
    type: 'integer',
    description:
      'Days of health history kept (retentionDays.health_history); a longer range counts only these',
    example: 7,
  })
  history_days: number;

  @ApiProperty({
    format: 'date-time',
    description: 'Oldest instant still kept: now minus history_days (ISO 8601)',
  })
  retained_since: string;

  @ApiProperty({ type: [ModuleUptimeDto], description: 'Every module, in catalog order' })
  modules: ModuleUptimeDto[];
}
