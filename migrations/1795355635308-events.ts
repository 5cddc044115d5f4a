import { MigrationInterface, QueryRunner } from 'typeorm';

export class Events1795355635308 implements MigrationInterface {
  name = 'Events1795355635308';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "event_id" text NOT NULL, "type" text NOT NULL, "source" text NOT NULL, "severity" text NOT NULL, "correlation_id" text, "canonical" boolean NOT NULL, "payload" text NOT NULL, "timestamp" text NOT NULL, "recorded_at" text NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "idx_events_type" ON "events" ("type") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_events_event_id" ON "events" ("event_id") ');
    await queryRunner.query(
      'CREATE TABLE "ledger_anchor" ("id" integer PRIMARY KEY NOT NULL, "after_id" integer NOT NULL, "hash" text NOT NULL, "pruned_total" integer NOT NULL, "updated_at" text NOT NULL)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "ledger_anchor"');
    await queryRunner.query('DROP INDEX "uq_events_event_id"');
    await queryRunner.query('DROP INDEX "idx_events_type"');
    await queryRunner.query('DROP TABLE "events"');
  }
}
