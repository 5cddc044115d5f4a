import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { MODULE_STATE_PROPERTY } from '../../../../core/http/openapi-schemas';
import type { ModuleState } from '../../../../core/registry/lifecycle';

const POWER_MODES = ['solo_madre', 'windowed', 'full'];
const CLOSE_REASONS = ['manual_close', 'ttl_expired', 'policy_applied', 'startup_recovery'];
const MODULE_LIST: ApiPropertyOptions = { type: [String], example: ['switch'] };

/** The open window, as every window view shows it. */
export class WindowViewDto {
  @ApiProperty({ format: 'uuid' })
  window_id: string;

  @ApiProperty({ ...MODULE_LIST, description: 'The modules the window keeps awake' })
  services: string[];

  @ApiProperty({ enum: ['ttl', 'hold'] })
  mode: 'ttl' | 'hold';

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it closes by itself; null for mode hold',
  })
  deadline: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null for mode hold' })
  ttl_remaining_sec: number | null;

  @ApiProperty({ example: 'operator request' })
  reason: string;
}

/** POST /madre/power/window/open and its aliases. */
export class WindowOpenedDto extends WindowViewDto {
  @ApiProperty({ ...MODULE_LIST, description: 'Modules this window woke (not those already up)' })
  services_started: string[];

  @ApiProperty({ ...MODULE_LIST, description: 'Modules that failed to start' })
  services_failed: string[];

  @ApiProperty({ enum: ['open'] })
  state: 'open';
}

/** POST /madre/power/window/close and its aliases. */
export class WindowClosedDto {
  @ApiProperty({ format: 'uuid' })
  window_id: string;

  @ApiProperty({ format: 'date-time' })
  closed_at: string;

  @ApiProperty({ description: 'How long it was open, to 0.1 s', example: 42.5 })
  duration_sec: number;

  @ApiProperty({ ...MODULE_LIST, description: 'Modules put back to sleep (not in the policy)' })
  services_stopped: string[];

  @ApiProperty({ enum: ['closed'] })
  state: 'closed';

  @ApiProperty({ enum: CLOSE_REASONS })
  reason: string;
}

/** GET /vx11/window/status/:target and GET /operator/api/chat/window/status. */
export class WindowTargetStatusDto {
  @ApiProperty({ example: 'switch' })
  target: string;

  @ApiProperty(MODULE_STATE_PROPERTY)
  state: ModuleState;

  @ApiProperty({ description: 'Whether the open window holds this module' })
  in_window: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  window_id: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deadline: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  ttl_remaining_sec: number | null;

  @ApiProperty({ type: WindowViewDto, nullable: true, description: 'The open window, if any' })
  window: WindowViewDto | null;
}

export class PowerModuleDto {
  @ApiProperty({ example: 'switch' })
  name: string;

  @ApiProperty(MODULE_STATE_PROPERTY)
  state: ModuleState;

  @ApiProperty({ format: 'date-time', description: 'In this state since' })
  since: string;

  @ApiProperty({ enum: ['core', 'optional'] })
  category: 'core' | 'optional';

  @ApiProperty()
  in_window: boolean;

  @ApiPropertyOptional({ description: 'Why the module last failed, when it did' })
  last_error?: string;
}

/** GET /madre/power/status */
export class PowerStatusDto {
  @ApiProperty({ enum: ['ok', 'degraded'], description: 'degraded: a module has failed' })
  status: 'ok' | 'degraded';

  @ApiProperty({ example: 'solo_madre' })
  policy: string;

  @ApiProperty({ enum: POWER_MODES })
  mode: string;

  @ApiProperty({ type: [PowerModuleDto] })
  modules: PowerModuleDto[];

  @ApiProperty({ type: WindowViewDto, nullable: true })
  window: WindowViewDto | null;
}

/** GET /madre/power/state */
export class WindowHistoryItemDto {
  @ApiProperty({ type: String, format: 'uuid' })
  window_id: string;

  @ApiProperty(MODULE_LIST)
  services: string[];

  @ApiProperty({ enum: ['ttl', 'hold'] })
  mode: string;

  @ApiProperty({ example: 'operator request' })
  reason: string;

  @ApiProperty({ enum: ['open', 'closed'] })
  state: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deadline: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closed_at: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['manual_close', 'ttl_expired', 'policy_applied', 'startup_recovery'],
  })
  close_reason: string | null;
}

export class PowerStateDto {
  @ApiProperty({ example: 'solo_madre' })
  policy: string;

  @ApiProperty({ enum: POWER_MODES })
  mode: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The open window' })
  window_id: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  created_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deadline: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  ttl_remaining_sec: number | null;

  @ApiProperty({ ...MODULE_LIST, description: 'Modules of the open window' })
  window_services: string[];

  @ApiProperty({ ...MODULE_LIST, description: 'Every active module' })
  active_services: string[];

  @ApiProperty({ type: [WindowHistoryItemDto], description: 'The last 10 windows, newest first' })
  recent_windows: WindowHistoryItemDto[];
}

export class ModuleStateDto {
  @ApiProperty({ example: 'switch' })
  name: string;

  @ApiProperty(MODULE_STATE_PROPERTY)
  state: ModuleState;
}

/** GET /madre/power/services */
export class PowerServicesDto {
  @ApiProperty({ ...MODULE_LIST, description: 'The modules a window may wake' })
  allowlist: string[];

  @ApiProperty({ type: 'integer', description: 'Longest ttl_sec a window may ask for' })
  max_ttl_sec: number;

  @ApiProperty({ type: [ModuleStateDto] })
  modules: ModuleStateDto[];
}

/** GET /madre/power/policy/:name/status */
export class PolicyStatusDto {
  @ApiProperty({ example: 'operative_core' })
  policy: string;

  @ApiProperty({ description: 'Applied, and exactly its modules are running' })
  policy_active: boolean;

  @ApiProperty({ description: 'It is the applied policy' })
  applied: boolean;

  @ApiProperty({ ...MODULE_LIST, description: 'Optional modules running now' })
  running_services: string[];

  @ApiProperty({ ...MODULE_LIST, description: 'Optional modules the policy runs' })
  expected_services: string[];
}

/** POST /madre/power/policy/:name/apply */
export class PolicyAppliedDto extends PolicyStatusDto {
  @ApiProperty({ example: 'solo_madre' })
  previous_policy: string;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The window applying the policy closed, if one was open',
  })
  window_closed: string | null;

  @ApiProperty(MODULE_LIST)
  services_started: string[];

  @ApiProperty(MODULE_LIST)
  services_stopped: string[];
}
