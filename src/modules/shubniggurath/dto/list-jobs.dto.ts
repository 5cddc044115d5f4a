import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageQuery, UUID_PATTERN } from '../../../core/http/page-query.dto';
import { JOB_STATUSES, JobStatus } from '../shub-job.entity';

/** Query of GET /shub/jobs: newest first, `limit`/`offset` pages, optional status and batch. */
export class ListJobsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ description: 'Only the jobs of this POST /shub/batch' })
  @IsOptional()
  @IsString()
  @Matches(UUID_PATTERN, { message: 'batch_id must be a batch id (a UUID)' })
  batch_id?: string;
}

export class JobIdParam {
  @ApiProperty({ format: 'uuid', description: 'The job_id' })
  @IsString()
  @Matches(UUID_PATTERN, { message: 'id must be a job id (a UUID)' })
  id: string;
}
