import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../core/config/app-config';
import { nativeDb } from '../../../core/database/native-db';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { guarded } from '../../../core/util/guarded';
import { dataPaths } from '../maintenance/data-paths';
import { databaseBytes } from '../maintenance/maintenance-steps';
import { quickCheck } from '../maintenance/sqlite-checks';
import { configSanity } from './config-sanity';
import { HealthMonitor } from './health-monitor.service';
import { IncidentService } from './incident.service';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The architect's periodic diagnostic (CONTRACT §2 architect.log): module health from the
 * monitor's last cycle, a database quick_check, config sanity and unresolved incidents, as
 * `DIAGNOSTIC:` lines ending with `MAINTENANCE CYCLE COMPLETE`.
 */
@Injectable()
export class ArchitectCycle {
  private readonly logger = new Logger('Architect');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly monitor: HealthMonitor,
    private readonly incidents: IncidentService,
    private readonly humanLog: HumanLogService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      guarded('diagnostic', () => this.run(), { logger: this.logger }),
      Math.round(this.config.health.architectIntervalSec * 1000),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Writes one diagnostic round; returns its lines (without timestamps). */
  async run(): Promise<string[]> {
    const findings: Array<{ ok: boolean; text: string }> = [
      this.modules(),
      this.database(),
      this.configuration(),
      await this.openIncidents(),
    ];
    const problems = findings.filter((f) => !f.ok).length;
    const lines = [
      ...findings.map((f) => f.text),
      `MAINTENANCE CYCLE COMPLETE (${problems} problem${problems === 1 ? '' : 's'})`,
    ];
    for (const line of lines) this.humanLog.write('architect', 'DIAGNOSTIC', line);
    return lines;
  }

  private modules(): { ok: boolean; text: string } {
    const entries = this.registry.list();
    const active = entries.filter((e) => e.state === 'active').map((e) => e.meta.name);
    const failed = entries.filter((e) => e.state === 'failed').map((e) => e.meta.name);
    const cycle = this.monitor.lastCycle;
    const failing = cycle?.results.filter((r) => !r.ok) ?? [];
    const health = !cycle
      ? 'no health cycle yet'
      : failing.length === 0
        ? `last health cycle ${cycle.started_at}: ${cycle.total}/${cycle.total} ok`
        : `last health cycle ${cycle.started_at}: failing ${failing.map((r) => `${r.module} (${r.detail})`).join(', ')}`;
    return {
      ok: failed.length === 0 && failing.length === 0,
      text: `modules: ${active.length} active (${active.join(', ')}), ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}; ${health}`,
    };
  }

  private database(): { ok: boolean; text: string } {
    try {
      const check = quickCheck(nativeDb(this.db));
      const size = databaseBytes(dataPaths(this.config.dataDir));
      return {
        ok: check.ok,
        text: `database: quick_check ${check.ok ? 'ok' : check.messages.slice(0, 3).join('; ')}; ${mib(size.db)} + ${mib(size.wal)} WAL`,
      };
    } catch (err) {
      return { ok: false, text: `database: ${(err as Error).message}` };
    }
  }

  private configuration(): { ok: boolean; text: string } {
    const findings = configSanity(this.config);
    const bad = findings.filter((f) => !f.ok);
    return {
      ok: bad.length === 0,
      text:
        bad.length === 0
          ? `config: ok (${findings.map((f) => f.detail).join('; ')})`
          : `config: ${bad.length} problem(s): ${bad.map((f) => `${f.check}: ${f.detail}`).join('; ')}`,
    };
  }

  private async openIncidents(): Promise<{ ok: boolean; text: string }> {
    const open = [
      ...(await this.incidents.list('open', 20)),
      ...(await this.incidents.list('acknowledged', 20)),
    ];
    return {
      ok: open.length === 0,
      text: `incidents: ${open.length} unresolved${open.length ? ` (${open.map((i) => `${i.title} [${i.status}]`).join(', ')})` : ''}`,
    };
  }
}
