import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../../../core/config/app-config';
import { dataPaths } from './data-paths';
import {
  readServerLock,
  removeServerLock,
  runningServer,
  ServerLock,
  writeServerLock,
} from './server-lock';

/**
 * Marks the data dir as in use while this server runs (`vx11 restore` refuses then), and
 * records the real port once the HTTP server listens so the CLI can reach it.
 */
@Injectable()
export class ServerLockService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ServerLock');
  private readonly file: string;
  private readonly instance = randomUUID();
  private lock: ServerLock | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.file = dataPaths(config.dataDir).lockFile;
  }

  onApplicationBootstrap(): void {
    const other = runningServer(this.file);
    if (other && other.pid !== process.pid) {
      this.logger.warn(`${this.file} names a live process ${other.pid}; taking the lock over`);
    }
    this.lock = {
      pid: process.pid,
      instance: this.instance,
      started_at: new Date().toISOString(),
      host: this.config.host,
      port: this.config.port,
    };
    writeServerLock(this.file, this.lock);
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    server?.on('listening', () => this.recordPort(server));
  }

  onApplicationShutdown(): void {
    removeServerLock(this.file, this.instance);
  }

  private recordPort(server: Server): void {
    const address = server.address() as AddressInfo | null;
    if (!this.lock || !address || readServerLock(this.file)?.instance !== this.instance) return;
    this.lock = { ...this.lock, port: address.port };
    writeServerLock(this.file, this.lock);
  }
}
