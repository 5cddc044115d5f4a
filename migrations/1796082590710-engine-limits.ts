import { MigrationInterface, QueryRunner } from 'typeorm';

/** Runtime engines get what config providers have: a price (budget downgrade) and a concurrency cap. */
export class EngineLimits1796082590710 implements MigrationInterface {
  name = 'EngineLimits1796082590710';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "hermes_engines" ADD COLUMN "cost_per_1k_tokens" real');
    await queryRunner.query('ALTER TABLE "hermes_engines" ADD COLUMN "max_concurrency" integer');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "hermes_engines" DROP COLUMN "max_concurrency"');
    await queryRunner.query('ALTER TABLE "hermes_engines" DROP COLUMN "cost_per_1k_tokens"');
  }
}
