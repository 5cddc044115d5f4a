import 'reflect-metadata';
import './core/memory/defer-unused-modules'; // first: before TypeORM and class-validator load
import './core/memory/defer-icu'; // next: it loads @nestjs/common itself
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from './app.factory';
import { resolveToken } from './core/auth/token-file';
import { AppConfig } from './core/config/app-config';
import { ConfigError } from './core/config/config-error';
import { loadConfig } from './core/config/load-config';
import { onStrayRejection } from './core/errors/stray-rejections';
import { IdleHeapTrim } from './core/memory/idle-heap-trim';
import { claimDataDirOrExit } from './modules/madre/maintenance/server-lock';

function loadOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/** Stop taking requests, let in-flight ones and active jobs finish (bounded), close cleanly. */
function closeOnSignals(app: NestFastifyApplication, timeoutMs: number): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.error(JSON.stringify({ level: 'info', msg: `Received ${signal}; shutting down` }));
    const deadline = setTimeout(() => {
      console.error(
        JSON.stringify({ level: 'error', msg: `Shutdown exceeded ${timeoutMs} ms; exiting` }),
      );
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(JSON.stringify({ level: 'error', msg: 'Shutdown failed', err: String(err) }));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function main(): Promise<void> {
  const processLogger = new Logger('Process');
  process.on(
    'unhandledRejection',
    onStrayRejection((message, stack) => processLogger.error(message, stack)),
  );
  const config = loadOrExit();
  await claimDataDirOrExit(config); // one server per data dir, owner-only files: before anything
  if (config.authMode === 'token') {
    const resolved = resolveToken(config.token, config.dataDir);
    config.token = resolved.token;
    const where = resolved.source === 'env' ? 'the VX11_TOKEN environment variable' : resolved.path;
    const note = resolved.source === 'generated' ? 'Generated a new token; it is' : 'Token is';
    console.error(JSON.stringify({ level: 'info', msg: `${note} in ${where}` }));
  } else {
    console.error(
      JSON.stringify({ level: 'warn', msg: 'Auth mode is off (loopback only): no token required' }),
    );
  }
  const app = await createApp(config);
  closeOnSignals(app, config.shutdownTimeoutMs);
  await app.listen({ host: config.host, port: config.port });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.error(
    JSON.stringify({ level: 'info', msg: `VX11 listening on http://${config.host}:${port}`, port }),
  );
  trimHeapWhenIdle();
}

/** Gives memory a burst of work left behind back to the system once VX11 is quiet again. */
function trimHeapWhenIdle(): void {
  const logger = new Logger('Memory');
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  new IdleHeapTrim({
    report: (outcome) =>
      'error' in outcome
        ? logger.debug(`Heap trim failed: ${outcome.error}`)
        : logger.debug(
            `Heap trimmed when idle: ${mb(outcome.freedBytes)} MB given back in ${outcome.ms.toFixed(0)} ms`,
          ),
  }).start();
}

main().catch((err: unknown) => {
  console.error(
    JSON.stringify({
      level: 'fatal',
      msg: 'VX11 failed to start',
      err: String((err as Error)?.stack ?? err),
    }),
  );
  process.exit(1);
});
