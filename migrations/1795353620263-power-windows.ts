import { MigrationInterface, QueryRunner } from 'typeorm';

export class PowerWindows1795353620263 implements MigrationInterface {
  name = 'PowerWindows1795353620263';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "madre_settings" ("key" text PRIMARY KEY NOT NULL, "value" text NOT NULL, "updated_at" text NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "power_windows" ("id" text PRIMARY KEY NOT NULL, "services" text NOT NULL, "mode" text NOT NULL, "ttl_sec" integer, "reason" text NOT NULL, "state" text NOT NULL, "created_at" text NOT NULL, "deadline" text, "services_started" text NOT NULL, "closed_at" text, "close_reason" text, "close_note" text, "services_stopped" text, "correlation_id" text)',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_power_windows_one_open" ON "power_windows" ("state") WHERE state = \'open\'',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "uq_power_windows_one_open"');
    await queryRunner.query('DROP TABLE "power_windows"');
    await queryRunner.query('DROP TABLE "madre_settings"');
  }
}
