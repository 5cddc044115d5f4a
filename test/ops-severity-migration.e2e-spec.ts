import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { IncidentSeverityLevel1796080507518 } from '../migrations/1796080507518-incident-severity-level';
import { dataSourceOptions } from '../src/core/database/data-source-options';
import { ENTITIES } from '../src/entities';
import { severityLevel } from '../src/modules/madre/health/incident-severity';

/** Incidents recorded before S-levels existed get the level the severity function gives them. */
describe('migration IncidentSeverityLevel', () => {
  it('backfills the level of incidents stored before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx11-sevmig-'));
    const file = join(dir, 'vx11.db');
    try {
      const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(IncidentSeverityLevel1796080507518));
      let ds = new DataSource({ ...dataSourceOptions(file, ENTITIES), migrations: before });
      await ds.initialize();
      await ds.runMigrations();
      const rows = [
        { id: 'a', kind: 'health_check', source: 'madre', severity: 'critical' },
        { id: 'b', kind: 'health_check', source: 'switch', severity: 'error' },
        { id: 'c', kind: 'chat_persistence', source: 'operator', severity: 'error' },
        { id: 'd', kind: 'test', source: 'e2e', severity: 'warning' },
        { id: 'e', kind: 'test', source: 'e2e', severity: 'error' },
      ] as const;
      for (const r of rows) {
        await ds.query(
          `INSERT INTO incidents (id, kind, title, source, severity, status, count, first_seen_at, last_seen_at)
           VALUES (?, ?, ?, ?, ?, 'open', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
          [r.id, r.kind, `title ${r.id}`, r.source, r.severity],
        );
      }
      await ds.destroy();

      ds = new DataSource(dataSourceOptions(file, ENTITIES));
      await ds.initialize();
      await ds.runMigrations();
      await ds.destroy();

      const db = new Database(file, { readonly: true });
      const levels = db.prepare('SELECT id, severity_level FROM incidents ORDER BY id').all();
      db.close();
      expect(levels).toEqual(rows.map((r) => ({ id: r.id, severity_level: severityLevel(r) })));
      expect(levels.map((l) => (l as { severity_level: string }).severity_level)).toEqual([
        'S2',
        'S3',
        'S1',
        'S4',
        'S3',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
