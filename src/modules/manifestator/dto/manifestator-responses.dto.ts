import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const FREE_FORM = { type: 'object', additionalProperties: true } as const;

export class DriftRouteDto {
  @ApiProperty({ example: 'GET' }) method: string;
  @ApiProperty({ example: '/madre/plans/:id' }) path: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Declaring module (missing) or serving module (extra)',
  })
  module: string | null;
}

export class ModuleRoutesDto {
  @ApiProperty() name: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Live state; null when not registered',
  })
  state: string | null;
  @ApiProperty({ type: 'integer' }) declared: number;
  @ApiProperty({ type: 'integer' }) present: number;
}

export class CategoryMismatchDto {
  @ApiProperty() name: string;
  @ApiProperty() declared: string;
  @ApiProperty() live: string;
}

export class ModuleDriftDto {
  @ApiProperty({ type: [String] }) missing: string[];
  @ApiProperty({ type: [String] }) extra: string[];
  @ApiProperty({ type: [CategoryMismatchDto] }) category_mismatch: CategoryMismatchDto[];
  @ApiProperty({ type: [ModuleRoutesDto] }) routes: ModuleRoutesDto[];
}

export class FieldMismatchDto {
  @ApiProperty() type: string;
  @ApiProperty({ type: [String] }) declared: string[];
  @ApiProperty({ type: [String] }) live: string[];
}

export class EventDriftDto {
  @ApiProperty({ type: [String] }) missing_canonical: string[];
  @ApiProperty({ type: [String] }) extra_canonical: string[];
  @ApiProperty({ type: [FieldMismatchDto] }) field_mismatch: FieldMismatchDto[];
}

export class FileDriftDto {
  @ApiProperty({ description: 'Whether hormiguero’s fs_drift result was available' })
  available: boolean;
  @ApiPropertyOptional({ description: 'Why not available' }) reason?: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) baseline_at?:
    string | null;
  @ApiPropertyOptional({ type: 'integer' }) tracked?: number;
  @ApiPropertyOptional({ type: [String] }) added?: string[];
  @ApiPropertyOptional({ type: [String] }) removed?: string[];
  @ApiPropertyOptional({ type: [String] }) changed?: string[];
}

export class ManifestInfoDto {
  @ApiProperty() path: string;
  @ApiProperty({ type: 'integer' }) modules: number;
  @ApiProperty({ type: 'integer' }) routes: number;
}

/** GET /manifestator/drift */
export class DriftReportDto {
  @ApiProperty({ format: 'date-time' }) checked_at: string;
  @ApiProperty({ type: ManifestInfoDto }) manifest: ManifestInfoDto;
  @ApiProperty({ description: 'No drift item at all' }) in_sync: boolean;
  @ApiProperty({ type: 'integer', description: 'Drift items (what a patch plan acts on)' })
  items: number;
  @ApiProperty({ type: 'integer' }) live_routes: number;
  @ApiProperty({ type: [DriftRouteDto], description: 'Declared, not in the live route table' })
  missing_routes: DriftRouteDto[];
  @ApiProperty({ type: [DriftRouteDto], description: 'Live, not declared' })
  extra_routes: DriftRouteDto[];
  @ApiProperty({ type: ModuleDriftDto }) modules: ModuleDriftDto;
  @ApiProperty({ type: EventDriftDto }) events: EventDriftDto;
  @ApiProperty({ type: FileDriftDto }) files: FileDriftDto;
}

export class PatchItemDto {
  @ApiProperty({ enum: ['add', 'remove', 'update'] }) action: string;
  @ApiProperty({ enum: ['route', 'module', 'event_type', 'file'] }) kind: string;
  @ApiProperty({ example: 'GET /madre/plans/:id' }) target: string;
  @ApiProperty({ type: String, nullable: true }) module: string | null;
  @ApiProperty() detail: string;
  @ApiProperty({ type: 'integer' }) estimated_time_sec: number;
}

/** POST /manifestator/patchplan */
export class PatchPlanDto {
  @ApiProperty({ enum: [false], description: 'Planning only: nothing is executed' })
  executable: false;
  @ApiProperty({ format: 'date-time' }) generated_at: string;
  @ApiProperty({ format: 'date-time' }) drift_checked_at: string;
  @ApiProperty({ enum: ['low', 'mid', 'high'] }) risk: string;
  @ApiProperty({ example: 'by item count: < 3 low, < 10 mid, else high' }) risk_rule: string;
  @ApiProperty({ type: [String], enum: ['routes', 'modules', 'events', 'files'] }) scope: string[];
  @ApiProperty({ type: [PatchItemDto] }) items: PatchItemDto[];
  @ApiProperty({ type: 'integer' }) estimated_time_sec: number;
}

export class GateReportDto {
  @ApiProperty({ example: 'token_guard_enforced' }) name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['ok', 'failed', 'skipped'] }) status: string;
  @ApiPropertyOptional({ description: 'Why it failed or was skipped' }) reason?: string;
  @ApiProperty({ ...FREE_FORM, description: 'What was measured' }) evidence: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: 'integer' }) duration_ms: number;
}

/** GET /manifestator/rails */
export class RailsReportDto {
  @ApiProperty({ format: 'date-time' }) checked_at: string;
  @ApiProperty({ enum: ['pass', 'fail'], description: 'fail when any gate failed' }) status: string;
  @ApiProperty({ type: 'integer' }) passed: number;
  @ApiProperty({ type: 'integer' }) failed: number;
  @ApiProperty({ type: 'integer' }) skipped: number;
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) duration_ms: number;
  @ApiProperty({ type: [GateReportDto] }) gates: GateReportDto[];
}

export class CategoryScoreDto {
  @ApiProperty() label: string;
  @ApiProperty() formula: string;
  @ApiProperty() weight: number;
  @ApiProperty() threshold_pct: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null when not measured' }) pct:
    number | null;
  @ApiProperty({ type: Boolean, nullable: true }) pass: boolean | null;
  @ApiProperty({ type: Number, nullable: true }) numerator: number | null;
  @ApiProperty({ type: Number, nullable: true }) denominator: number | null;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiPropertyOptional({ format: 'date-time' }) measured_at?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ ...FREE_FORM }) detail?: Record<string, unknown>;
}

export class ScoreCategoriesDto {
  @ApiProperty({ type: CategoryScoreDto }) filesystem_order: CategoryScoreDto;
  @ApiProperty({ type: CategoryScoreDto }) routing_coherence: CategoryScoreDto;
  @ApiProperty({ type: CategoryScoreDto }) automation: CategoryScoreDto;
  @ApiProperty({ type: CategoryScoreDto }) autonomy: CategoryScoreDto;
  @ApiProperty({ type: CategoryScoreDto }) gates_passed: CategoryScoreDto;
}

export class RailsSummaryDto {
  @ApiProperty({ enum: ['pass', 'fail'] }) status: string;
  @ApiProperty({ format: 'date-time' }) checked_at: string;
  @ApiProperty({ type: 'integer' }) passed: number;
  @ApiProperty({ type: 'integer' }) failed: number;
  @ApiProperty({ type: 'integer' }) skipped: number;
}

/** GET /manifestator/scorecard */
export class ScorecardDto {
  @ApiProperty({ format: 'date-time' }) generated_at: string;
  @ApiProperty({ type: Number, nullable: true }) global_pct: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) global_pass: boolean | null;
  @ApiProperty() global_formula: string;
  @ApiProperty() global_threshold_pct: number;
  @ApiProperty({ description: 'Sum of the weights of the measured categories' })
  measured_weight: number;
  @ApiProperty({ type: ScoreCategoriesDto }) categories: ScoreCategoriesDto;
  @ApiProperty({ type: RailsSummaryDto }) rails: RailsSummaryDto;
}
