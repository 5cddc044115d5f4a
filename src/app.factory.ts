import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { mkdirSync } from 'node:fs';
import { AppModule } from './app.module';
import { AuthService } from './core/auth/auth.service';
import { AppConfig } from './core/config/app-config';
import { ensurePrivateDir, PRIVATE_DIR_MODE } from './core/database/file-modes';
import { AllExceptionsFilter } from './core/errors/all-exceptions.filter';
import { createValidationPipe } from './core/errors/validation-pipe';
import { declarePublicRoutes, installHttpHooks, recordRoutes } from './core/http/fastify-hooks';
import { HttpDrain } from './core/http/http-drain';
import { DOCS_PAGE_ROUTES, RouteAccessLog, setupOpenApi } from './core/http/openapi';
import { RouteTable } from './core/http/route-table';
import { serverOptions } from './core/http/server-options';
import { MetricsService } from './core/metrics/metrics.service';
import { RedisService } from './core/queue/redis.service';
import { CONSOLE_PATH, serveConsole } from './modules/operator/operator-console';

const REDIS_BOOT_WAIT_MS = 1000;

/**
 * Builds the whole VX11 application, initialized but not listening. main.ts listens on it;
 * e2e tests speak to it in-process. `config.token` must already be resolved.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  mkdirSync(config.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE }); // its lock holder tightens it
  ensurePrivateDir(config.logsDir);

  const adapter = new FastifyAdapter(serverOptions(config));
  const routes = new RouteTable();
  recordRoutes(adapter.getInstance(), routes);
  const access = RouteAccessLog.attach(adapter.getInstance()); // for the OpenAPI document
  // The console's files and redirects (CONTRACT §2: public), registered by serveConsole()
  // outside Nest, where @Public() cannot mark them.
  declarePublicRoutes(adapter.getInstance(), [
    '/operator',
    CONSOLE_PATH.slice(0, -1),
    `${CONSOLE_PATH}*`,
    ...DOCS_PAGE_ROUTES, // the Swagger UI page; its document stays guarded
  ]);

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, routes),
    adapter,
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.useGlobalFilters(new AllExceptionsFilter(routes));
  app.useGlobalPipes(createValidationPipe());
  installHttpHooks(adapter.getInstance(), {
    config,
    auth: app.get(AuthService),
    drain: app.get(HttpDrain),
    metrics: app.get(MetricsService),
  });

  setupOpenApi(app, config, access); // GET /docs (public page), /docs-json (guarded)
  serveConsole(app); // GET /operator/ui/* (public static files) and GET /operator

  // Give Redis a moment so boot (window recovery, first status) sees it; serve without it after.
  await app.get(RedisService).whenUp(REDIS_BOOT_WAIT_MS);
  await app.init();
  await adapter.getInstance().ready();
  return app;
}
