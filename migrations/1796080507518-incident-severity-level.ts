import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents gain their S1–S4 level (src/modules/madre/health/incident-severity.ts). Existing rows
 * get the level that function gives the kinds that existed before it: a core module's failing
 * health check S2, an optional module's S3, unsaved chat messages (data loss) S1; any other kind
 * S3 at event severity error or critical, S4 below.
 */
export class IncidentSeverityLevel1796080507518 implements MigrationInterface {
  name = 'IncidentSeverityLevel1796080507518';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "incidents" ADD COLUMN "severity_level" text NOT NULL DEFAULT ('S3')`,
    );
    await queryRunner.query(
      `UPDATE "incidents" SET "severity_level" = CASE
         WHEN "kind" = 'chat_persistence' THEN 'S1'
         WHEN "kind" = 'health_check' AND "source" IN ('tentaculo_link', 'madre', 'operator') THEN 'S2'
         WHEN "kind" = 'health_check' THEN 'S3'
         WHEN "severity" IN ('error', 'critical') THEN 'S3'
         ELSE 'S4' END`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "incidents" DROP COLUMN "severity_level"');
  }
}
