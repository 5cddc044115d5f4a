import { ModuleStateEntity } from '../registry/module-state.entity';
import { PowerEventEntity } from '../../modules/madre/power-event.entity';

/** Every TypeORM entity of VX11; the migrations in migrations/ must match these exactly. */
export const ENTITIES = [ModuleStateEntity, PowerEventEntity];
