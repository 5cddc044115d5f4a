import { Init1795353363295 } from './1795353363295-init';
import { PowerWindows1795353620263 } from './1795353620263-power-windows';
import { Chat1795355242355 } from './1795355242355-chat';

/** Migrations in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [Init1795353363295, PowerWindows1795353620263, Chat1795355242355];
