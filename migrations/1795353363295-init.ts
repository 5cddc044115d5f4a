import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795353363295 implements MigrationInterface {
  name = 'Init1795353363295';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "module_states" ("name" text PRIMARY KEY NOT NULL, "state" text NOT NULL, "since" text NOT NULL, "last_error" text)',
    );
    await queryRunner.query(
      'CREATE TABLE "power_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "module" text NOT NULL, "from_state" text NOT NULL, "to_state" text NOT NULL, "reason" text NOT NULL, "error" text, "correlation_id" text, "at" text NOT NULL)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_power_events_module_at" ON "power_events" ("module", "at") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "idx_power_events_module_at"');
    await queryRunner.query('DROP TABLE "power_events"');
    await queryRunner.query('DROP TABLE "module_states"');
  }
}
