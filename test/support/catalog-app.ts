import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/core/config/load-config';
import { RouteTable } from '../../src/core/http/route-table';
import { JobCatalog, QueueSpec } from '../../src/core/queue/job-catalog';
import { RedisService } from '../../src/core/queue/redis.service';
import { testEnv } from './test-app';

const REDIS_BOOT_WAIT_MS = 1000;

export interface CatalogAppOptions {
  /** Replaces the job catalog (spread JOB_CATALOG into it to keep the real queues). */
  catalog?: Readonly<Record<string, QueueSpec>>;
  /** Modules booted beside the application's own (e.g. one registering job handlers). */
  imports?: ModuleMetadata['imports'];
}

export interface CatalogApp {
  app: INestApplication;
  close(): Promise<void>;
}

/**
 * Boots the real application module (real SQLite in a temp dir, real Redis) with a job catalog
 * or extra modules of the test's choosing, without HTTP. A boot that fails is torn down before
 * its error is rethrown.
 */
export async function bootCatalogApp({
  catalog,
  imports = [],
}: CatalogAppOptions): Promise<CatalogApp> {
  const dir = mkdtempSync(join(tmpdir(), 'vx11-e2e-'));
  const config = loadConfig(testEnv(dir));
  const builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config, new RouteTable()), ...imports],
  });
  if (catalog) builder.overrideProvider(JobCatalog).useValue(new JobCatalog(catalog));
  const app = (await builder.compile()).createNestApplication(new FastifyAdapter(), {
    logger: false,
  });
  const close = async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await app.get(RedisService).whenUp(REDIS_BOOT_WAIT_MS); // as createApp() does
    await app.init();
  } catch (err) {
    await close();
    throw err;
  }
  return { app, close };
}
