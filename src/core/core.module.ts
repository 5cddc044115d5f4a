import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuthService } from './auth/auth.service';
import { TokenGuard } from './auth/token.guard';
import { BreakerRegistry } from './breaker/breaker-registry.service';
import { AppConfig } from './config/app-config';
import { CorrelationMiddleware } from './correlation/correlation.middleware';
import { DatabaseModule } from './database/database.module';
import { EventBus } from './events/event-bus.service';
import { RouteTable } from './http/route-table';
import { HumanLogService } from './logging/human-log.service';
import { pinoParams } from './logging/pino-options';
import { MetricsService } from './metrics/metrics.service';
import { QueueService } from './queue/queue.service';
import { RedisService } from './queue/redis.service';
import { ModuleActiveGuard } from './registry/module-active.guard';
import { ModuleRegistry } from './registry/module-registry.service';

const SHARED = [
  AuthService,
  BreakerRegistry,
  EventBus,
  HumanLogService,
  MetricsService,
  ModuleRegistry,
  QueueService,
  RedisService,
];

/** Cross-cutting services every module may inject; no business rules live here. */
@Global()
@Module({})
export class CoreModule implements NestModule {
  static forRoot(config: AppConfig, routes: RouteTable): DynamicModule {
    return {
      module: CoreModule,
      imports: [LoggerModule.forRoot(pinoParams(config)), DatabaseModule],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: RouteTable, useValue: routes },
        ...SHARED,
        // Order matters: authenticate first, so a caller without the token learns nothing.
        { provide: APP_GUARD, useClass: TokenGuard },
        { provide: APP_GUARD, useClass: ModuleActiveGuard },
      ],
      exports: [AppConfig, RouteTable, ...SHARED],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes('*');
  }
}
