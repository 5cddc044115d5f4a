import { CliContext, openDatabase } from '../cli-context';
import {
  foreignKeyCheck,
  integrityCheck,
  quickCheck,
} from '../../modules/madre/maintenance/sqlite-checks';

/** `vx11 db-check`: the three PRAGMA checks on the live database; exit 1 on any problem. */
export function dbCheckCommand(ctx: CliContext): number {
  const db = openDatabase(ctx, { readonly: true });
  try {
    const quick = quickCheck(db);
    const integrity = integrityCheck(db);
    const fk = foreignKeyCheck(db);
    const mark = (ok: boolean) => (ok ? '✓' : '✗');
    ctx.out(`database ${ctx.paths.dbFile}`);
    ctx.out(`  ${mark(quick.ok)} quick_check: ${quick.messages.slice(0, 5).join('; ')}`);
    ctx.out(
      `  ${mark(integrity.ok)} integrity_check: ${integrity.messages.slice(0, 5).join('; ')}`,
    );
    ctx.out(
      `  ${mark(fk.ok)} foreign_key_check: ${fk.violations} violation(s)${
        fk.sample.length
          ? ` e.g. ${fk.sample
              .slice(0, 3)
              .map((v) => `${v.table} row ${v.rowid} → ${v.parent}`)
              .join(', ')}`
          : ''
      }`,
    );
    return quick.ok && integrity.ok && fk.ok ? 0 : 1;
  } finally {
    db.close();
  }
}
