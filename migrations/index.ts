import { Init1795353363295 } from './1795353363295-init';
import { PowerWindows1795353620263 } from './1795353620263-power-windows';
import { Chat1795355242355 } from './1795355242355-chat';
import { Events1795355635308 } from './1795355635308-events';
import { OperatorApi1795355806120 } from './1795355806120-operator-api';
import { Health1795356146726 } from './1795356146726-health';
import { Spawner1796070392964 } from './1796070392964-spawner';
import { Shub1796071550992 } from './1796071550992-shub';

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
];
