import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../../core/config/app-config';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { EventLoopLagSampler } from './event-loop-lag';

/**
 * The gateway owns the event-loop delay sampler. Healthy while its own router answers
 * GET /health, the HTTP server still listens (once it has listened for real), and no second
 * of the last health interval had an event-loop p99 delay over `health.eventLoopLagMaxMs`.
 */
@Injectable()
export class TentaculoLinkLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'tentaculo_link';
  private readonly lag: EventLoopLagSampler;
  /** Port of a real listen (main.ts); in-process tests never listen on the configured port. */
  private servedOn: number | null = null;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {
    this.lag = new EventLoopLagSampler(config.health.intervalSec * 1000);
  }

  onModuleInit(): void {
    this.registry.attach(this);
    const server = this.server();
    server?.on('listening', () => {
      const port = (server.address() as AddressInfo | null)?.port ?? null;
      // supertest listens on a random port per request; only the configured port counts
      if (port !== null && (this.config.port === 0 || port === this.config.port)) {
        this.servedOn = port;
      }
    });
  }

  async activate(): Promise<void> {
    this.lag.start();
  }

  async deactivate(): Promise<void> {
    this.lag.stop();
  }

  async health(): Promise<HealthReport> {
    const server = this.server();
    if (this.servedOn !== null && !server?.listening) {
      return { ok: false, detail: `HTTP server stopped listening on port ${this.servedOn}` };
    }
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const reply = await fastify.inject({ method: 'GET', url: '/health' });
    if (reply.statusCode !== 200) {
      return { ok: false, detail: `GET /health answered ${reply.statusCode}` };
    }
    const lagMs = this.lag.worstP99Ms();
    const data = { event_loop_lag_p99_ms: lagMs, listening_on: this.servedOn };
    if (lagMs > this.config.health.eventLoopLagMaxMs) {
      return {
        ok: false,
        detail: `event-loop lag p99 ${lagMs} ms over ${this.config.health.eventLoopLagMaxMs} ms within the last ${this.config.health.intervalSec} s`,
        data,
      };
    }
    const where = this.servedOn !== null ? `listening on :${this.servedOn}` : 'in-process';
    return { ok: true, detail: `router answering, ${where}, event-loop lag p99 ${lagMs} ms`, data };
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
