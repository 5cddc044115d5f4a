import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { STEP_NAMES } from '../maintenance-steps';

/** One step of a run's report: whether it passed and how long it took, plus its figures. */
const STEP_REPORT: SchemaObject = {
  type: 'object',
  required: ['ok', 'duration_ms'],
  properties: {
    ok: { type: 'boolean' },
    error: { type: 'string', description: 'Why the step failed' },
    duration_ms: { type: 'integer' },
  },
  additionalProperties: true, // the step's own figures (rows checked, backup file, ...)
};

/** GET /madre/power/maintenance/jobs/:id: a maintenance run and its report. */
export class MaintenanceRunDto {
  @ApiProperty({ enum: ['queued', 'running', 'ok', 'failed'] })
  status: string;

  @ApiProperty({ type: 'integer', enum: [0, 1], nullable: true, description: '0 ok, 1 failed' })
  returncode: number | null;

  @ApiProperty({ format: 'uuid' })
  job_id: string;

  @ApiProperty({ enum: ['api', 'schedule', 'cli'] })
  source: string;

  @ApiProperty({ example: 'operator request' })
  reason: string;

  @ApiProperty({ description: 'Retention cleanup was asked for' })
  apply_retention: boolean;

  @ApiProperty({ format: 'date-time' })
  requested_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  duration_ms: number | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    description: `Each step by name (${STEP_NAMES.join(', ')}); null until the run ends`,
    additionalProperties: STEP_REPORT,
  })
  report: Record<string, object> | null;

  @ApiPropertyOptional({ description: 'Why the run failed as a whole' })
  error?: string;
}

/** When post_task answers with an earlier run instead of starting one. */
export class MaintenanceReuseDto {
  @ApiPropertyOptional({ enum: [true] })
  reused?: true;

  @ApiPropertyOptional({ enum: ['in_progress', 'within_min_interval'] })
  reused_because?: 'in_progress' | 'within_min_interval';

  @ApiPropertyOptional({ type: 'integer', description: 'maintenance.minBackupIntervalSec' })
  min_backup_interval_sec?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a new run may start',
  })
  next_run_after?: string | null;
}

/** POST /madre/power/maintenance/post_task, finished within maintenance.waitMs. */
export class MaintenanceTaskDto extends IntersectionType(MaintenanceRunDto, MaintenanceReuseDto) {}

/** POST /madre/power/maintenance/post_task, still running: poll the job. */
export class MaintenanceAcceptedDto extends MaintenanceReuseDto {
  @ApiProperty({ enum: ['accepted'] })
  status: 'accepted';

  @ApiProperty({ format: 'uuid' })
  job_id: string;

  @ApiProperty({ example: 'GET /madre/power/maintenance/jobs/3b1f…' })
  poll: string;
}

export class BackupDto {
  @ApiProperty({ example: 'vx11_20260102_030405.db' })
  name: string;

  @ApiProperty({ description: 'Absolute path on the server' })
  file: string;

  @ApiProperty({ enum: ['kept', 'archived'] })
  location: 'kept' | 'archived';

  @ApiProperty({ type: 'integer' })
  bytes: number;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ description: 'A .sha256 file sits next to it' })
  has_checksum: boolean;
}

/** GET /madre/power/maintenance/backups */
export class BackupListDto {
  @ApiProperty({ type: 'integer', description: 'maintenance.keepBackups' })
  keep: number;

  @ApiProperty({ type: [BackupDto], description: 'Kept ones first, then archived; newest first' })
  backups: BackupDto[];
}
