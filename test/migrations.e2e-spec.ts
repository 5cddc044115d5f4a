import { getDataSourceToken } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { schemaDriftAfterMigrations } from '../src/core/database/schema-drift';
import { ENTITIES } from '../src/entities';
import { bootApp } from './support/test-app';

const names = (entities: readonly unknown[]) =>
  entities.map((e) => (e as { name: string }).name).sort();

describe('migrations', () => {
  it('match the entities exactly (migration generation produces nothing on a migrated database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx11-drift-'));
    try {
      const drift = await schemaDriftAfterMigrations(join(dir, 'drift.db'), ENTITIES);
      expect(drift.up).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check the entities the app loads: those its modules register are exactly src/entities.ts', async () => {
    const t = await bootApp();
    try {
      const dataSource = t.app.get<DataSource>(getDataSourceToken());
      expect(names(dataSource.options.entities as unknown[])).toEqual(names(ENTITIES));
      expect(dataSource.entityMetadatas.length).toBe(ENTITIES.length);
    } finally {
      await t.close();
    }
  });
});
