import { Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { EventsController } from './events.controller';
import { EventsMetrics } from './events-metrics';
import { EventsService } from './events.service';
import { FeedHub } from './feeds/feed-hub';
import { FeedTokens } from './feeds/feed-tokens.service';
import { SseFeed } from './feeds/sse-feed.service';
import { WsFeedServer } from './feeds/ws-feed.server';
import { EventEntity } from './ledger/event.entity';
import { LedgerAnchorEntity } from './ledger/ledger-anchor.entity';
import { LedgerLock } from './ledger/ledger-lock';
import { LedgerRetentionHook } from './ledger/ledger-retention.hook';
import { LedgerRetention } from './ledger/ledger-retention.service';
import { LedgerStore } from './ledger/ledger-store';
import { LedgerVerifier } from './ledger/ledger-verifier.service';
import { LedgerVerifyMetrics } from './ledger/ledger-verify-metrics';
import { LedgerWriter } from './ledger/ledger-writer';

/**
 * Events (CONTRACT §6): ingest, the forensic ledger, and the live feeds (WS /ws, SSE on
 * GET /operator/api/events). Part of the always-on core: the gateway and operator API serve it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EventEntity, LedgerAnchorEntity])],
  controllers: [EventsController],
  providers: [
    {
      // The better-sqlite3 connection TypeORM opened (and migrated): the ledger writes on it
      // directly, one synchronous transaction per group commit.
      provide: LedgerStore,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) =>
        new LedgerStore(
          (dataSource.driver as unknown as { databaseConnection: Database.Database })
            .databaseConnection,
        ),
    },
    {
      provide: LedgerWriter,
      inject: [LedgerStore, AppConfig],
      useFactory: (store: LedgerStore, config: AppConfig) =>
        new LedgerWriter(store, config.events.maxBatch),
    },
    EventsMetrics,
    EventsService,
    FeedHub,
    FeedTokens,
    LedgerLock,
    LedgerRetention,
    LedgerRetentionHook,
    LedgerVerifier,
    LedgerVerifyMetrics,
    SseFeed,
    WsFeedServer,
  ],
  exports: [EventsService, FeedTokens, LedgerRetention, LedgerVerifier, SseFeed],
})
export class EventsModule {}
