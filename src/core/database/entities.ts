import { MadreSettingEntity } from '../../modules/madre/madre-setting.entity';
import { PowerEventEntity } from '../../modules/madre/power-event.entity';
import { PowerWindowEntity } from '../../modules/madre/window.entity';
import { ModuleStateEntity } from '../registry/module-state.entity';

/** Every TypeORM entity of VX11; the migrations in migrations/ must match these exactly. */
export const ENTITIES = [
  ModuleStateEntity,
  PowerEventEntity,
  PowerWindowEntity,
  MadreSettingEntity,
];
