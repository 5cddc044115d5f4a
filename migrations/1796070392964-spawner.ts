import { MigrationInterface, QueryRunner } from 'typeorm';

export class Spawner1796070392964 implements MigrationInterface {
  name = 'Spawner1796070392964';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "spawner_runs" ("id" text PRIMARY KEY NOT NULL, "name" text, "program" text NOT NULL, "executable" text NOT NULL, "args" text NOT NULL, "cwd" text NOT NULL, "env_keys" text NOT NULL, "stdin_bytes" integer NOT NULL, "ttl_sec" integer NOT NULL, "source" text NOT NULL, "status" text NOT NULL, "kill_reason" text, "error" text, "pid" integer, "proc_start" text, "limits" text, "exit_code" integer, "signal" text, "created_at" text NOT NULL, "started_at" text, "deadline" text, "finished_at" text, "duration_ms" integer, "stdout" text NOT NULL, "stderr" text NOT NULL, "stdout_bytes" integer NOT NULL, "stderr_bytes" integer NOT NULL, "stdout_truncated" boolean NOT NULL, "stderr_truncated" boolean NOT NULL, "correlation_id" text)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_spawner_runs_status_created" ON "spawner_runs" ("status", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_spawner_runs_created" ON "spawner_runs" ("created_at") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "idx_spawner_runs_created"');
    await queryRunner.query('DROP INDEX "idx_spawner_runs_status_created"');
    await queryRunner.query('DROP TABLE "spawner_runs"');
  }
}
