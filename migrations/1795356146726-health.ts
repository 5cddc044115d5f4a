import { MigrationInterface, QueryRunner } from 'typeorm';

export class Health1795356146726 implements MigrationInterface {
  name = 'Health1795356146726';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "health_history" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "module" text NOT NULL, "ok" boolean NOT NULL, "latency_ms" real NOT NULL, "detail" text NOT NULL, "checked_at" text NOT NULL)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_health_history_checked" ON "health_history" ("checked_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_health_history_module_checked" ON "health_history" ("module", "checked_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "incidents" ("id" text PRIMARY KEY NOT NULL, "kind" text NOT NULL, "title" text NOT NULL, "source" text NOT NULL, "severity" text NOT NULL, "status" text NOT NULL, "count" integer NOT NULL, "detail" text, "first_seen_at" text NOT NULL, "last_seen_at" text NOT NULL, "acknowledged_at" text, "resolved_at" text, "resolved_by" text)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_incidents_status_last_seen" ON "incidents" ("status", "last_seen_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "maintenance_runs" ("id" text PRIMARY KEY NOT NULL, "status" text NOT NULL, "returncode" integer, "source" text NOT NULL, "reason" text NOT NULL, "apply_retention" boolean NOT NULL, "requested_at" text NOT NULL, "started_at" text, "finished_at" text, "report" text, "error" text, "correlation_id" text)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_maintenance_runs_requested" ON "maintenance_runs" ("requested_at") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "idx_maintenance_runs_requested"');
    await queryRunner.query('DROP TABLE "maintenance_runs"');
    await queryRunner.query('DROP INDEX "idx_incidents_status_last_seen"');
    await queryRunner.query('DROP TABLE "incidents"');
    await queryRunner.query('DROP INDEX "idx_health_history_module_checked"');
    await queryRunner.query('DROP INDEX "idx_health_history_checked"');
    await queryRunner.query('DROP TABLE "health_history"');
  }
}
