import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { UUID_PATTERN } from '../../../../core/http/page-query.dto';
import { PLAN_STATUSES, PlanStatus } from '../plan.entity';

/** Query of GET /madre/plans: newest first, `before` a created_at cursor. */
export class ListPlansQuery {
  @ApiPropertyOptional({ enum: PLAN_STATUSES })
  @IsOptional()
  @IsIn(PLAN_STATUSES)
  status?: PlanStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Only plans created before this ISO-8601 time (next_before of the previous page)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  before?: string;
}

export class PlanIdParam {
  @ApiProperty({ format: 'uuid', description: 'The plan_id' })
  @IsString()
  @Matches(UUID_PATTERN, { message: 'id must be a plan id (a UUID)' })
  id: string;
}

export class CorrelationIdParam {
  @ApiProperty({ description: 'The correlation id of the intent' })
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, {
    message: 'correlation_id must be 1-128 of [A-Za-z0-9._:-]',
  })
  correlation_id: string;
}
