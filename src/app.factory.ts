import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { mkdirSync } from 'node:fs';
import { AppModule } from './app.module';
import { AuthService } from './core/auth/auth.service';
import { AppConfig } from './core/config/app-config';
import { VERSION } from './core/config/version';
import { correlationIdFor } from './core/correlation/correlation';
import { AllExceptionsFilter } from './core/errors/all-exceptions.filter';
import { createValidationPipe } from './core/errors/validation-pipe';
import { installHttpHooks, recordRoutes } from './core/http/fastify-hooks';
import { RouteTable } from './core/http/route-table';
import { MetricsService } from './core/metrics/metrics.service';
import { RedisService } from './core/queue/redis.service';
import { serveConsole } from './modules/operator/operator-console';

const REDIS_BOOT_WAIT_MS = 1000;

/**
 * Builds the whole VX11 application, initialized but not listening. main.ts listens on it;
 * e2e tests speak to it in-process. `config.token` must already be resolved.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  mkdirSync(config.dataDir, { recursive: true });
  mkdirSync(config.logsDir, { recursive: true });

  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false, // genReqId validates the incoming header itself
    genReqId: correlationIdFor,
    return503OnClosing: true,
  });
  const routes = new RouteTable();
  recordRoutes(adapter.getInstance(), routes);

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, routes),
    adapter,
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());
  installHttpHooks(adapter.getInstance(), app.get(MetricsService), app.get(AuthService));

  const openApi = new DocumentBuilder()
    .setTitle('VX11')
    .setDescription('Control plane for a self-hosted AI-assistant stack')
    .setVersion(VERSION)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-VX11-Token' }, 'token')
    .addSecurityRequirements('token')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  serveConsole(app); // GET /operator/ui/* (public static files) and GET /operator

  // Give Redis a moment so boot (window recovery, first status) sees it; serve without it after.
  await app.get(RedisService).whenUp(REDIS_BOOT_WAIT_MS);
  await app.init();
  await adapter.getInstance().ready();
  return app;
}
