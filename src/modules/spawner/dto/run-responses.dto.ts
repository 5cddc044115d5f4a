import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KILL_REASONS, KillReason, RUN_STATUSES, RunStatus } from '../spawner-run.entity';
import { CODE_TASK_TYPES, CodeTaskType } from './spawn-code.dto';

/** What prlimit applied to a run, or why nothing was. */
export class AppliedLimitsDto {
  @ApiProperty()
  applied: boolean;

  @ApiPropertyOptional({ type: 'integer' })
  cpu_sec?: number;

  @ApiPropertyOptional({ type: 'integer' })
  address_space_bytes?: number;

  @ApiPropertyOptional({ type: 'integer' })
  file_size_bytes?: number;

  @ApiPropertyOptional({ description: 'Why nothing was applied' })
  note?: string;
}

/** A run; `stdout`/`stderr` only on the single-run views. */
export class RunDto {
  @ApiProperty({ format: 'uuid' })
  run_id: string;

  @ApiProperty({ type: String, nullable: true, example: 'disk report' })
  name: string | null;

  @ApiProperty({ example: 'echo', description: 'A key of spawner.programs' })
  program: string;

  @ApiProperty({ type: [String] })
  args: string[];

  @ApiProperty({ description: 'Absolute working directory (inside the work root)' })
  cwd: string;

  @ApiProperty({ type: [String], description: 'Names of the variables given (not values)' })
  env_keys: string[];

  @ApiProperty({ enum: RUN_STATUSES })
  status: RunStatus;

  @ApiProperty({ enum: KILL_REASONS, nullable: true })
  kill_reason: KillReason | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  pid: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  exit_code: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'SIGTERM' })
  signal: string | null;

  @ApiProperty({ type: 'integer' })
  ttl_sec: number;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deadline: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  duration_ms: number | null;

  @ApiProperty({ type: AppliedLimitsDto, nullable: true })
  limits: AppliedLimitsDto | null;

  @ApiProperty({ enum: ['api', 'code_alias', 'intent'] })
  source: string;

  @ApiProperty({ type: String, nullable: true })
  correlation_id: string | null;

  @ApiProperty({ type: 'integer' })
  stdout_bytes: number;

  @ApiProperty({ type: 'integer' })
  stderr_bytes: number;

  @ApiProperty({ description: 'Output past spawner.outputCapBytes was dropped' })
  stdout_truncated: boolean;

  @ApiProperty()
  stderr_truncated: boolean;

  @ApiPropertyOptional({ description: 'Single-run views only (capped)' })
  stdout?: string;

  @ApiPropertyOptional({ description: 'Single-run views only (capped)' })
  stderr?: string;
}

/** GET /spawner/runs: newest first. */
export class RunListDto {
  @ApiProperty({ type: [RunDto] })
  runs: RunDto[];

  @ApiProperty({ type: 'integer', description: 'Runs matching the filter' })
  total: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: 'integer' })
  offset: number;

  @ApiProperty({ enum: RUN_STATUSES, nullable: true, description: 'The ?status= filter' })
  status: RunStatus | null;
}

/** POST /vx11/spawn: the run once it has ended, with its output. */
export class CodeRunDto extends RunDto {
  @ApiProperty({ enum: CODE_TASK_TYPES })
  task_type: CodeTaskType;
}
