import { MigrationInterface, QueryRunner } from 'typeorm';

export class Chat1795355242355 implements MigrationInterface {
  name = 'Chat1795355242355';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "hermes_engines" ("name" text PRIMARY KEY NOT NULL, "tier" text NOT NULL, "base_url" text NOT NULL, "model" text NOT NULL, "api_key_env" text, "timeout_ms" integer, "priority" integer NOT NULL DEFAULT (0), "daily_token_budget" integer, "models" text, "created_at" text NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "provider_usage" ("provider" text NOT NULL, "day" text NOT NULL, "tokens_used" integer NOT NULL DEFAULT (0), "requests" integer NOT NULL DEFAULT (0), "failures" integer NOT NULL DEFAULT (0), PRIMARY KEY ("provider", "day"))',
    );
    await queryRunner.query(
      'CREATE TABLE "chat_sessions" ("id" text PRIMARY KEY NOT NULL, "created_at" text NOT NULL, "last_message_at" text NOT NULL, "message_count" integer NOT NULL DEFAULT (0))',
    );
    await queryRunner.query(
      'CREATE TABLE "chat_messages" ("id" text PRIMARY KEY NOT NULL, "session_id" text NOT NULL, "role" text NOT NULL, "content" text NOT NULL, "timestamp" text NOT NULL, "correlation_id" text NOT NULL, "fallback_source" text, "provider" text, "model" text, "tokens_used" integer, "latency_ms" real)',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_chat_messages_session_ts" ON "chat_messages" ("session_id", "timestamp") ',
    );
    await queryRunner.query('DROP INDEX "idx_chat_messages_session_ts"');
    await queryRunner.query(
      'CREATE TABLE "temporary_chat_messages" ("id" text PRIMARY KEY NOT NULL, "session_id" text NOT NULL, "role" text NOT NULL, "content" text NOT NULL, "timestamp" text NOT NULL, "correlation_id" text NOT NULL, "fallback_source" text, "provider" text, "model" text, "tokens_used" integer, "latency_ms" real, CONSTRAINT "FK_0672782561e44d43febcfba2984" FOREIGN KEY ("session_id") REFERENCES "chat_sessions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_chat_messages"("id", "session_id", "role", "content", "timestamp", "correlation_id", "fallback_source", "provider", "model", "tokens_used", "latency_ms") SELECT "id", "session_id", "role", "content", "timestamp", "correlation_id", "fallback_source", "provider", "model", "tokens_used", "latency_ms" FROM "chat_messages"',
    );
    await queryRunner.query('DROP TABLE "chat_messages"');
    await queryRunner.query('ALTER TABLE "temporary_chat_messages" RENAME TO "chat_messages"');
    await queryRunner.query(
      'CREATE INDEX "idx_chat_messages_session_ts" ON "chat_messages" ("session_id", "timestamp") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "idx_chat_messages_session_ts"');
    await queryRunner.query('ALTER TABLE "chat_messages" RENAME TO "temporary_chat_messages"');
    await queryRunner.query(
      'CREATE TABLE "chat_messages" ("id" text PRIMARY KEY NOT NULL, "session_id" text NOT NULL, "role" text NOT NULL, "content" text NOT NULL, "timestamp" text NOT NULL, "correlation_id" text NOT NULL, "fallback_source" text, "provider" text, "model" text, "tokens_used" integer, "latency_ms" real)',
    );
    await queryRunner.query(
      'INSERT INTO "chat_messages"("id", "session_id", "role", "content", "timestamp", "correlation_id", "fallback_source", "provider", "model", "tokens_used", "latency_ms") SELECT "id", "session_id", "role", "content", "timestamp", "correlation_id", "fallback_source", "provider", "model", "tokens_used", "latency_ms" FROM "temporary_chat_messages"',
    );
    await queryRunner.query('DROP TABLE "temporary_chat_messages"');
    await queryRunner.query(
      'CREATE INDEX "idx_chat_messages_session_ts" ON "chat_messages" ("session_id", "timestamp") ',
    );
    await queryRunner.query('DROP INDEX "idx_chat_messages_session_ts"');
    await queryRunner.query('DROP TABLE "chat_messages"');
    await queryRunner.query('DROP TABLE "chat_sessions"');
    await queryRunner.query('DROP TABLE "provider_usage"');
    await queryRunner.query('DROP TABLE "hermes_engines"');
  }
}
