import { MigrationInterface, QueryRunner } from 'typeorm';

export class Shub1796071550992 implements MigrationInterface {
  name = 'Shub1796071550992';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "shub_jobs" ("id" text PRIMARY KEY NOT NULL, "batch_id" text, "status" text NOT NULL, "file_name" text, "file_bytes" integer NOT NULL, "temp_path" text, "wav" text NOT NULL, "style" text, "target_lufs" real NOT NULL, "result" text, "advice" text, "error" text, "attempts" integer NOT NULL, "created_at" text NOT NULL, "started_at" text, "finished_at" text, "analysis_ms" integer, "correlation_id" text)',
    );
    await queryRunner.query('CREATE INDEX "idx_shub_jobs_batch" ON "shub_jobs" ("batch_id") ');
    await queryRunner.query(
      'CREATE INDEX "idx_shub_jobs_status_created" ON "shub_jobs" ("status", "created_at") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "idx_shub_jobs_status_created"');
    await queryRunner.query('DROP INDEX "idx_shub_jobs_batch"');
    await queryRunner.query('DROP TABLE "shub_jobs"');
  }
}
