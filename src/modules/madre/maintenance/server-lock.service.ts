import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../../../core/config/app-config';
import { updateDataDirHolder } from '../../../core/database/data-dir-lock';

/**
 * The data dir is this server's from before the database opened (see DatabaseModule and
 * claimDataDirOrExit): here it records, in vx11.pid, where the server listens, so the CLI
 * can reach it. vx11.pid goes when the hold does.
 */
@Injectable()
export class ServerLockService implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (!updateDataDirHolder(this.config.dataDir, this.where(null))) {
      throw new Error(`${this.config.dataDir} is not held by this process`);
    }
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    server?.on('listening', () => {
      updateDataDirHolder(this.config.dataDir, this.where(server.address() as AddressInfo | null));
    });
  }

  private where(address: AddressInfo | null) {
    return { host: this.config.host, port: address?.port ?? this.config.port };
  }
}
