import { Init1795353363295 } from './1795353363295-init';
import { PowerWindows1795353620263 } from './1795353620263-power-windows';
import { Chat1795355242355 } from './1795355242355-chat';
import { Events1795355635308 } from './1795355635308-events';
import { OperatorApi1795355806120 } from './1795355806120-operator-api';
import { Health1795356146726 } from './1795356146726-health';
import { Spawner1796070392964 } from './1796070392964-spawner';
import { Shub1796071550992 } from './1796071550992-shub';
import { IncidentSeverityLevel1796080507518 } from './1796080507518-incident-severity-level';
import { Hormiguero1796080514414 } from './1796080514414-hormiguero';
import { MadrePlans1796080626712 } from './1796080626712-madre-plans';
import { EngineLimits1796082590710 } from './1796082590710-engine-limits';

/** Migrations in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [
  Init1795353363295,
  PowerWindows1795353620263,
  Chat1795355242355,
  Events1795355635308,
  OperatorApi1795355806120,
  Health1795356146726,
  Spawner1796070392964,
  Shub1796071550992,
  IncidentSeverityLevel1796080507518,
  Hormiguero1796080514414,
  MadrePlans1796080626712,
  EngineLimits1796082590710,
];
