import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../core/config/project-root';
import { schemaDriftAfterMigrations } from '../core/database/schema-drift';
import { ENTITIES } from '../entities';

/** `npm run migration:generate -- Name`: writes migrations/<ts>-<name>.ts from the entity drift. */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
    console.error('usage: npm run migration:generate -- <PascalCaseName>');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'vx11-migrate-'));
  try {
    const { up, down } = await schemaDriftAfterMigrations(join(dir, 'gen.db'), ENTITIES);
    if (up.length === 0) {
      console.log('No changes: entities and migrations already agree.');
      return;
    }
    const stamp = Date.now();
    const className = `${name}${stamp}`;
    const q = (s: string) => `    await queryRunner.query(${JSON.stringify(s)});`;
    const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...down].reverse().map(q).join('\n')}
  }
}
`;
    const file = join(
      PROJECT_ROOT,
      'migrations',
      `${stamp}-${name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}.ts`,
    );
    writeFileSync(file, source);
    console.log(`Wrote ${file}; add ${className} to migrations/index.ts`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
