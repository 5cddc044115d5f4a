import { MigrationInterface, QueryRunner } from 'typeorm';

export class MadrePlans1796080626712 implements MigrationInterface {
  name = 'MadrePlans1796080626712';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "madre_plans" ("id" text PRIMARY KEY NOT NULL, "correlation_id" text NOT NULL, "intent_type" text NOT NULL, "text" text, "payload" text, "require" text NOT NULL, "priority" integer NOT NULL, "source" text NOT NULL, "status" text NOT NULL, "risk" text NOT NULL, "planner" text NOT NULL, "risk_reasons" text NOT NULL, "explanation" text NOT NULL, "parsed" text, "decision_id" text NOT NULL, "confirm_hash" text, "confirm_expires_at" text, "confirmed_at" text, "error" text, "created_at" text NOT NULL, "updated_at" text NOT NULL, "started_at" text, "finished_at" text)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_madre_plans_correlation" ON "madre_plans" ("correlation_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_madre_plans_status_created" ON "madre_plans" ("status", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_madre_plans_created" ON "madre_plans" ("created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "madre_plan_steps" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "seq" integer NOT NULL, "type" text NOT NULL, "params" text NOT NULL, "cleanup" boolean NOT NULL, "status" text NOT NULL, "output" text, "error" text, "started_at" text, "finished_at" text, "duration_ms" integer)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_madre_plan_steps_plan" ON "madre_plan_steps" ("plan_id", "seq") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "idx_madre_plan_steps_plan"');
    await queryRunner.query('DROP TABLE "madre_plan_steps"');
    await queryRunner.query('DROP INDEX "idx_madre_plans_created"');
    await queryRunner.query('DROP INDEX "idx_madre_plans_status_created"');
    await queryRunner.query('DROP INDEX "idx_madre_plans_correlation"');
    await queryRunner.query('DROP TABLE "madre_plans"');
  }
}
