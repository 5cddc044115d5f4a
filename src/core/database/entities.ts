import { EngineEntity } from '../../modules/hermes/engine.entity';
import { ProviderUsageEntity } from '../../modules/hermes/provider-usage.entity';
import { MadreSettingEntity } from '../../modules/madre/madre-setting.entity';
import { PowerEventEntity } from '../../modules/madre/power-event.entity';
import { PowerWindowEntity } from '../../modules/madre/window.entity';
import { ChatMessageEntity } from '../../modules/operator/chat-message.entity';
import { ChatSessionEntity } from '../../modules/operator/chat-session.entity';
import { ModuleStateEntity } from '../registry/module-state.entity';

/** Every TypeORM entity of VX11; the migrations in migrations/ must match these exactly. */
export const ENTITIES = [
  ModuleStateEntity,
  PowerEventEntity,
  PowerWindowEntity,
  MadreSettingEntity,
  EngineEntity,
  ProviderUsageEntity,
  ChatSessionEntity,
  ChatMessageEntity,
];
