import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RedisService, RedisStatus } from '../../core/queue/redis.service';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { CORE_MODULES } from '../../core/registry/module-catalog';
import { PowerService } from '../madre/power/power.service';

export interface DbStatus {
  status: 'ok' | 'error';
  error?: string;
}

/** Computes the system's overall status from the registry, Redis and the database. */
@Injectable()
export class SystemStatusService {
  constructor(
    private readonly registry: ModuleRegistry,
    private readonly redis: RedisService,
    private readonly power: PowerService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async dbStatus(): Promise<DbStatus> {
    try {
      await this.db.query('SELECT 1');
      return { status: 'ok' };
    } catch (err) {
      return { status: 'error', error: (err as Error).message };
    }
  }

  async status() {
    const [redis, db] = await Promise.all([this.redis.status(), this.dbStatus()]);
    return {
      status: this.overall(redis, db),
      mode: this.power.mode(),
      policy: this.power.currentPolicy(),
      modules: this.registry.states(),
      madre_available: this.registry.isActive('madre'),
      switch_available: this.registry.isActive('switch'),
      spawner_available: this.registry.isActive('spawner'),
      redis,
      db,
      timestamp: new Date().toISOString(),
    };
  }

  /** ok: core up and dependencies answer; degraded: something is down but we serve; down: no DB. */
  private overall(redis: RedisStatus, db: DbStatus): 'ok' | 'degraded' | 'down' {
    if (db.status !== 'ok') return 'down';
    const coreUp = CORE_MODULES.every((name) => this.registry.isActive(name));
    const anyFailed = this.registry.list().some((e) => e.state === 'failed');
    return coreUp && !anyFailed && redis.status === 'up' ? 'ok' : 'degraded';
  }
}
