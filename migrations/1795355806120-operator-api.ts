import { MigrationInterface, QueryRunner } from 'typeorm';

export class OperatorApi1795355806120 implements MigrationInterface {
  name = 'OperatorApi1795355806120';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "metric_samples" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" text NOT NULL, "module" text, "value" real NOT NULL, "at" text NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "idx_metric_samples_at" ON "metric_samples" ("at") ');
    await queryRunner.query(
      'CREATE INDEX "idx_metric_samples_name_at" ON "metric_samples" ("name", "at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "operator_settings" ("key" text PRIMARY KEY NOT NULL, "value" text NOT NULL, "updated_at" text NOT NULL)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "operator_settings"');
    await queryRunner.query('DROP INDEX "idx_metric_samples_name_at"');
    await queryRunner.query('DROP INDEX "idx_metric_samples_at"');
    await queryRunner.query('DROP TABLE "metric_samples"');
  }
}
