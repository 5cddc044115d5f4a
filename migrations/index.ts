import { Init1795353363295 } from './1795353363295-init';

/** Migrations in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [Init1795353363295];
