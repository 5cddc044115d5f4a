import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CycleCheckDto } from '../../madre/health/dto/health-responses.dto';
import { FINDING_SEVERITIES, HORMIGUERO_ANTS } from '../finding';
import { ACTION_ALLOWLIST } from '../actions/action';

export class FindingDto {
  @ApiProperty({ enum: HORMIGUERO_ANTS })
  ant: string;

  @ApiProperty({ example: 'fs_drift.drift' })
  kind: string;

  @ApiProperty({ example: 'file drift in config', description: 'Stable for the same problem' })
  title: string;

  @ApiProperty({ enum: FINDING_SEVERITIES })
  severity: string;

  @ApiProperty()
  detail: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The figures behind it' })
  evidence: Record<string, unknown>;
}

export class AntIncidentChangesDto {
  @ApiProperty({ type: [String], description: 'Incidents raised or refreshed' })
  raised: string[];

  @ApiProperty({ type: [String], description: 'Of those, (re)opened now' })
  opened: string[];

  @ApiProperty({ type: [String], description: 'Resolved after consecutive clean scans' })
  resolved: string[];

  @ApiProperty({ type: 'integer', description: 'High or critical findings escalated' })
  escalated: number;
}

export class AntRunDto {
  @ApiProperty({ enum: HORMIGUERO_ANTS })
  ant: string;

  @ApiProperty({ enum: ['queue', 'local', 'manual'] })
  trigger: string;

  @ApiProperty({ format: 'date-time' })
  started_at: string;

  @ApiProperty({ format: 'date-time' })
  finished_at: string;

  @ApiProperty({ type: 'integer' })
  duration_ms: number;

  @ApiProperty()
  ok: boolean;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: [FindingDto] })
  findings: FindingDto[];

  @ApiProperty({ type: AntIncidentChangesDto })
  incidents: AntIncidentChangesDto;
}

/** POST /hormiguero/scan/once */
export class ScanReportDto {
  @ApiProperty({ format: 'uuid' })
  scan_id: string;

  @ApiProperty({ format: 'date-time' })
  started_at: string;

  @ApiProperty({ format: 'date-time' })
  finished_at: string;

  @ApiProperty({ type: [AntRunDto] })
  ants: AntRunDto[];

  @ApiProperty({ type: [FindingDto], description: 'Every ant’s findings, most severe first' })
  findings: FindingDto[];
}

export class AntStatusDto {
  @ApiProperty({ enum: HORMIGUERO_ANTS })
  ant: string;

  @ApiProperty({ description: 'Scheduled by the queen (hormiguero.ants)' })
  scheduled: boolean;

  @ApiProperty({ description: 'Configured interval in seconds', example: 60 })
  interval_sec: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'This activation’s interval with its jitter (null while not scheduled)',
  })
  effective_interval_sec: number | null;

  @ApiProperty({ description: 'Its repeatable job is set in Redis (else the local timer runs it)' })
  queued: boolean;

  @ApiProperty({ type: AntRunDto, nullable: true, description: 'null before its first scan' })
  last_run: AntRunDto | null;
}

export class BaselineInfoDto {
  @ApiProperty({ format: 'date-time' })
  recorded_at: string;

  @ApiProperty({ type: 'integer' })
  files: number;

  @ApiProperty({ type: 'integer' })
  bytes: number;
}

/** GET /hormiguero/status */
export class HormigueroStatusDto {
  @ApiProperty({ enum: ['hormiguero'] })
  module: 'hormiguero';

  @ApiProperty({ description: 'The queen is scheduling the ants' })
  scheduler_running: boolean;

  @ApiProperty({ description: 'Seconds between scans unless an ant has its own', example: 60 })
  interval_sec: number;

  @ApiProperty({ type: 'integer', description: 'Ant scans since start' })
  scans: number;

  @ApiProperty({ type: [AntStatusDto] })
  ants: AntStatusDto[];

  @ApiProperty({ type: [FindingDto], description: 'The latest findings of every ant' })
  last_findings: FindingDto[];

  @ApiProperty({ type: BaselineInfoDto, nullable: true, description: 'null until recorded' })
  baseline: BaselineInfoDto | null;

  @ApiProperty({
    type: CycleCheckDto,
    nullable: true,
    description: "The health monitor's last check of hormiguero (null before the first)",
  })
  health: CycleCheckDto | null;
}

/** POST /hormiguero/baseline */
export class BaselineRecordDto extends BaselineInfoDto {
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { kind: { type: 'string' }, path: { type: 'string' } },
    },
  })
  roots: Array<{ kind: string; path: string }>;

  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { kind: { type: 'string' }, reason: { type: 'string' } },
    },
    description: 'Roots not tracked, with the reason',
  })
  not_tracked: Array<{ kind: string; reason: string }>;

  @ApiProperty({ type: 'integer', description: 'Files beyond hormiguero.fsMaxFiles' })
  skipped_files: number;
}

export class PlannedFileDto {
  @ApiProperty()
  file: string;

  @ApiProperty({ type: 'integer' })
  bytes: number;

  @ApiProperty({ example: 'rotate and gzip' })
  change: string;
}

export class ActionPlanDto {
  @ApiProperty()
  summary: string;

  @ApiProperty({ type: [PlannedFileDto] })
  files: PlannedFileDto[];

  @ApiProperty({ type: 'integer', description: 'Bytes of the files concerned' })
  bytes: number;

  @ApiProperty({ type: 'integer', description: 'Rows concerned' })
  rows: number;

  @ApiProperty({ type: 'object', additionalProperties: true })
  detail: Record<string, unknown>;
}

/** POST /hormiguero/actions/preview */
export class ActionPreviewDto {
  @ApiProperty({ format: 'uuid' })
  preview_id: string;

  @ApiProperty({ enum: ACTION_ALLOWLIST })
  action: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  params: Record<string, unknown>;

  @ApiProperty({ type: ActionPlanDto })
  plan: ActionPlanDto;

  @ApiProperty({
    description: 'Single-use, expiring; shown once (only its sha256 is stored)',
  })
  approval_token: string;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}

/** POST /hormiguero/actions/apply */
export class ActionApplyDto {
  @ApiProperty({ format: 'uuid' })
  preview_id: string;

  @ApiProperty({ enum: ACTION_ALLOWLIST })
  action: string;

  @ApiProperty({ enum: ['applied', 'failed'] })
  status: string;

  @ApiProperty({ format: 'date-time' })
  applied_at: string;

  @ApiProperty({ example: 'operator@127.0.0.1' })
  applied_by: string;

  @ApiProperty({ type: ActionPlanDto })
  plan: ActionPlanDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What was done (null when it failed)',
  })
  result: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;
}
