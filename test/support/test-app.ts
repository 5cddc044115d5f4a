import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/core/config/app-config';
import { loadConfig } from '../../src/core/config/load-config';

export { waitFor } from './wait-for';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dir: string;
  /** supertest bound to the app's HTTP server. */
  http: () => ReturnType<typeof request>;
  /** Headers carrying the valid token. */
  auth: Record<string, string>;
  get<T>(type: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

let counter = 0;

/** Environment for a test instance: its own temp dir, queue prefix and quiet logs. */
export function testEnv(dir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  counter += 1;
  return {
    VX11_DATA_DIR: join(dir, 'data'),
    VX11_LOGS_DIR: join(dir, 'logs'),
    VX11_TOKEN: TEST_TOKEN,
    VX11_LOG_LEVEL: 'silent',
    VX11_QUEUE_PREFIX: `t${process.pid}x${counter}x${Date.now().toString(36)}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...overrides,
  };
}

/**
 * Boots the real application (real SQLite file in a temp dir, real Redis) in-process.
 * Pass `dir` to reuse a data dir (restart scenarios); it is then not deleted on close.
 */
export async function bootApp(
  overrides: Record<string, string> = {},
  reuseDir?: string,
): Promise<TestApp> {
  const dir = reuseDir ?? mkdtempSync(join(tmpdir(), 'vx11-e2e-'));
  const config = loadConfig(testEnv(dir, overrides));
  const app = await createApp(config);
  const server = app.getHttpServer();
  let closed = false;
  return {
    app,
    config,
    dir,
    http: () => request(server),
    auth: { 'x-vx11-token': config.token ?? TEST_TOKEN },
    get: (type) => app.get(type),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      if (!reuseDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a power window on one module through madre's route (200 expected); answers the window. */
export async function openWindow(
  t: TestApp,
  service: string,
  ttlSec: number,
): Promise<Record<string, unknown>> {
  const res = await t
    .http()
    .post('/madre/power/window/open')
    .set(t.auth)
    .send({ service, ttl_sec: ttlSec })
    .expect(200);
  return res.body as Record<string, unknown>;
}
