import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageQuery, UUID_PATTERN } from '../../../core/http/page-query.dto';
import { RUN_STATUSES, RunStatus } from '../spawner-run.entity';

/** Query of GET /spawner/runs: newest first, `limit`/`offset` pages, optional status. */
export class ListRunsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}

export class RunIdParam {
  @ApiProperty({ format: 'uuid', description: 'The run_id' })
  @IsString()
  @Matches(UUID_PATTERN, {
    message: 'id must be a run id (a UUID)',
  })
  id: string;
}
