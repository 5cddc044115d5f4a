import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaDriftAfterMigrations } from '../src/core/database/schema-drift';

describe('migrations', () => {
  it('match the entities exactly (migration generation produces nothing on a migrated database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx11-drift-'));
    try {
      const drift = await schemaDriftAfterMigrations(join(dir, 'drift.db'));
      expect(drift.up).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
