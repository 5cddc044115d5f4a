import { Injectable } from '@nestjs/common';
import { statfsSync } from 'node:fs';
import { Gauge } from 'prom-client';
import { BreakerRegistry } from '../breaker/breaker-registry.service';
import { AppConfig } from '../config/app-config';
import { MODULE_STATES } from '../registry/lifecycle';
import { ModuleRegistry } from '../registry/module-registry.service';
import { MetricsService } from './metrics.service';

/**
 * What the operations kit alerts on and graphs, read at scrape time from core's own state:
 * module states (the registry), circuit breakers, and free space on the data directory's
 * filesystem. Nothing here imports a module; modules register their breakers and states.
 */
@Injectable()
export class RuntimeMetrics {
  constructor(
    metrics: MetricsService,
    registry: ModuleRegistry,
    breakers: BreakerRegistry,
    config: AppConfig,
  ) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'vx11_module_state',
      help: 'Module power state: 1 for the state the module is in, 0 for the others',
      labelNames: ['module', 'category', 'state'],
      registers,
      collect() {
        for (const entry of registry.list()) {
          const { name: module, category } = entry.meta;
          for (const state of MODULE_STATES) {
            this.set({ module, category, state }, entry.state === state ? 1 : 0);
          }
        }
      },
    });
    new Gauge({
      name: 'vx11_breaker_open',
      help: 'Circuit breakers: 1 while open or half-open (calls refused or on trial), 0 closed',
      labelNames: ['breaker', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [breaker, snap] of Object.entries(breakers.snapshot())) {
          this.set({ breaker, state: snap.state }, snap.state === 'closed' ? 0 : 1);
        }
      },
    });
    const disk = (pick: (fs: { bavail: number; blocks: number; bsize: number }) => number) =>
      function (this: Gauge<'path'>) {
        try {
          this.set({ path: 'data' }, pick(statfsSync(config.dataDir)));
        } catch {
          this.reset(); // the data dir vanished (a test tearing down): no figure this scrape
        }
      };
    new Gauge({
      name: 'vx11_disk_free_bytes',
      help: 'Bytes an unprivileged process may still write on the data directory filesystem',
      labelNames: ['path'],
      registers,
      collect: disk((fs) => fs.bavail * fs.bsize),
    });
    new Gauge({
      name: 'vx11_disk_size_bytes',
      help: 'Size of the data directory filesystem',
      labelNames: ['path'],
      registers,
      collect: disk((fs) => fs.blocks * fs.bsize),
    });
  }
}
