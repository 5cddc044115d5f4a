import { MigrationInterface, QueryRunner } from 'typeorm';

export class Hormiguero1796080514414 implements MigrationInterface {
  name = 'Hormiguero1796080514414';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "hormiguero_fs_baseline" ("path" text PRIMARY KEY NOT NULL, "root" text NOT NULL, "sha256" text NOT NULL, "bytes" integer NOT NULL, "recorded_at" text NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "hormiguero_action_previews" ("id" text PRIMARY KEY NOT NULL, "action" text NOT NULL, "params" text NOT NULL, "plan" text NOT NULL, "token_sha256" text NOT NULL, "created_at" text NOT NULL, "expires_at" text NOT NULL, "applied_at" text, "applied_by" text, "result" text, "correlation_id" text)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_hormiguero_action_previews_created" ON "hormiguero_action_previews" ("created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "hormiguero_ant_runs" ("id" text PRIMARY KEY NOT NULL, "ant" text NOT NULL, "trigger" text NOT NULL, "started_at" text NOT NULL, "finished_at" text NOT NULL, "duration_ms" integer NOT NULL, "ok" boolean NOT NULL, "error" text, "findings" text NOT NULL, "incidents" text NOT NULL)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_hormiguero_ant_runs_ant_started" ON "hormiguero_ant_runs" ("ant", "started_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_hormiguero_ant_runs_started" ON "hormiguero_ant_runs" ("started_at") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "idx_hormiguero_ant_runs_started"');
    await queryRunner.query('DROP INDEX "idx_hormiguero_ant_runs_ant_started"');
    await queryRunner.query('DROP TABLE "hormiguero_ant_runs"');
    await queryRunner.query('DROP INDEX "idx_hormiguero_action_previews_created"');
    await queryRunner.query('DROP TABLE "hormiguero_action_previews"');
    await queryRunner.query('DROP TABLE "hormiguero_fs_baseline"');
  }
}
