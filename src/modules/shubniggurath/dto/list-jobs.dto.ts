import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { JOB_STATUSES, JobStatus } from '../shub-job.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Query of GET /shub/jobs: newest first, `limit`/`offset` pages, optional status and batch. */
export class ListJobsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ description: 'Only the jobs of this POST /shub/batch' })
  @IsOptional()
  @IsString()
  @Matches(UUID, { message: 'batch_id must be a batch id (a UUID)' })
  batch_id?: string;
}

export class JobIdParam {
  @ApiProperty({ format: 'uuid', description: 'The job_id' })
  @IsString()
  @Matches(UUID, { message: 'id must be a job id (a UUID)' })
  id: string;
}
