import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuthFailureLimiter } from './auth/auth-failure-limiter';
import { AuthService } from './auth/auth.service';
import { BreakerRegistry } from './breaker/breaker-registry.service';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { RetentionHooks } from './database/retention-hooks';
import { EventBus } from './events/event-bus.service';
import { HttpDrain } from './http/http-drain';
import { RouteTable } from './http/route-table';
import { HumanLogService } from './logging/human-log.service';
import { pinoParams } from './logging/pino-options';
import { MetricsService } from './metrics/metrics.service';
import { RuntimeMetrics } from './metrics/runtime-metrics';
import { FinishedJobs } from './queue/finished-jobs';
import { JobCatalog } from './queue/job-catalog';
import { JobHandlers } from './queue/job-handlers';
import { QueueMetrics } from './queue/queue-metrics';
import { QueueService } from './queue/queue.service';
import { RedisService } from './queue/redis.service';
import { ModuleRegistry } from './registry/module-registry.service';

const SHARED = [
  AuthFailureLimiter,
  AuthService,
  BreakerRegistry,
  EventBus,
  FinishedJobs,
  HttpDrain,
  HumanLogService,
  JobCatalog,
  JobHandlers,
  MetricsService,
  ModuleRegistry,
  QueueService,
  RedisService,
  RetentionHooks,
];

/** Cross-cutting services every module may inject; no business rules live here. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, routes: RouteTable): DynamicModule {
    return {
      module: CoreModule,
      imports: [LoggerModule.forRoot(pinoParams(config)), DatabaseModule],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: RouteTable, useValue: routes },
        ...SHARED,
        // Scrape-time collectors (operations kit): nothing injects them.
        QueueMetrics,
        RuntimeMetrics,
      ],
      exports: [AppConfig, RouteTable, ...SHARED],
    };
  }
}
