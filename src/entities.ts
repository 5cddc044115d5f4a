import { EngineEntity } from './modules/hermes/engine.entity';
import { ProviderUsageEntity } from './modules/hermes/provider-usage.entity';
import { HealthHistoryEntity } from './modules/madre/health/health-history.entity';
import { IncidentEntity } from './modules/madre/health/incident.entity';
import { MadreSettingEntity } from './modules/madre/power/madre-setting.entity';
import { MaintenanceRunEntity } from './modules/madre/maintenance/maintenance-run.entity';
import { PowerEventEntity } from './modules/madre/power/power-event.entity';
import { PowerWindowEntity } from './modules/madre/power/window.entity';
import { ChatMessageEntity } from './modules/operator/chat-message.entity';
import { ChatSessionEntity } from './modules/operator/chat-session.entity';
import { EventEntity } from './modules/events/ledger/event.entity';
import { LedgerAnchorEntity } from './modules/events/ledger/ledger-anchor.entity';
import { MetricSampleEntity } from './modules/operator/metric-sample.entity';
import { OperatorSettingEntity } from './modules/operator/operator-setting.entity';
import { PlanEntity } from './modules/madre/intents/plan.entity';
import { PlanStepEntity } from './modules/madre/intents/plan-step.entity';
import { ShubJobEntity } from './modules/shubniggurath/shub-job.entity';
import { SpawnerRunEntity } from './modules/spawner/spawner-run.entity';
import { ModuleStateEntity } from './core/registry/module-state.entity';
import { ActionPreviewEntity } from './modules/hormiguero/action-preview.entity';
import { AntRunEntity } from './modules/hormiguero/ant-run.entity';
import { FsBaselineEntity } from './modules/hormiguero/fs-baseline.entity';

/**
 * Every TypeORM entity of VX11, for the users of dataSourceOptions outside Nest (the migration
 * generator and the drift check); the migrations in migrations/ must match these exactly. In the
 * app each module registers its own with TypeOrmModule.forFeature; test/migrations.e2e-spec.ts
 * checks that the app loads exactly these.
 */
export const ENTITIES = [
  ModuleStateEntity,
  PowerEventEntity,
  PowerWindowEntity,
  MadreSettingEntity,
  EngineEntity,
  ProviderUsageEntity,
  ChatSessionEntity,
  ChatMessageEntity,
  EventEntity,
  LedgerAnchorEntity,
  OperatorSettingEntity,
  MetricSampleEntity,
  HealthHistoryEntity,
  IncidentEntity,
  MaintenanceRunEntity,
  SpawnerRunEntity,
  ShubJobEntity,
  FsBaselineEntity,
  ActionPreviewEntity,
  AntRunEntity,
  PlanEntity,
  PlanStepEntity,
];
