import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { databasePath } from '../../core/database/data-source-options';
import { nativeDb } from '../../core/database/native-db';
import { ApiError } from '../../core/errors/api-error';
import { HumanLogService } from '../../core/logging/human-log.service';
import { describeError } from '../../core/util/guarded';
import { HealthHistoryEntity } from '../madre/health/health-history.entity';
import { AntRunStore } from './ant-run.store';
import { DbAnt } from './ants/db.ant';
import { FsDriftAnt } from './ants/fs-drift.ant';
import { HealthAnt } from './ants/health.ant';
import { LogsAnt } from './ants/logs.ant';
import { PressureAnt, PressureReading } from './ants/pressure.ant';
import { FileDriftService } from './file-drift.service';
import { Ant, AntName, Finding, HORMIGUERO_ANTS, SEVERITY_RANK } from './finding';
import { HormigueroEscalation } from './hormiguero-escalation';
import { HormigueroIncidents, IncidentChanges } from './hormiguero-incidents.service';
import { HormigueroMetrics } from './hormiguero-metrics';
import { HormigueroErrors } from './hormiguero-errors';

export type ScanTrigger = 'queue' | 'local' | 'manual';

/** One ant's scan: its findings, or the error that stopped it. */
export interface AntRun {
  ant: AntName;
  trigger: ScanTrigger;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  ok: boolean;
  error: string | null;
  findings: Finding[];
  incidents: Omit<IncidentChanges, 'escalate'> & { escalated: number };
}

/** POST /hormiguero/scan/once's answer. */
export interface ScanReport {
  scan_id: string;
  started_at: string;
  finished_at: string;
  ants: AntRun[];
  /** Every ant's findings together, most severe first. */
  findings: Finding[];
}

/** The health window the health ant looks at: ten monitor cycles, at least 10 minutes. */
const healthWindowMs = (config: AppConfig) =>
  Math.max(10 * 60_000, 10 * config.health.intervalSec * 1000);

/**
 * The ants and what running them means: findings recorded per ant, turned into incidents
 * (opened, refreshed, resolved after clean scans) and escalated. The queen calls runAnt on its
 * schedule; POST /hormiguero/scan/once and other modules (manifestator) call scanOnce.
 * A call for an ant already scanning joins that scan.
 */
@Injectable()
export class HormigueroScanService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Hormiguero');
  private readonly ants: ReadonlyMap<AntName, Ant>;
  readonly pressure: PressureAnt;
  private readonly inFlight = new Map<AntName, Promise<AntRun>>();
  private readonly last = new Map<AntName, AntRun>();
  private scans = 0;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() dataSource: DataSource,
    @InjectRepository(HealthHistoryEntity) history: Repository<HealthHistoryEntity>,
    humanLog: HumanLogService,
    readonly drift: FileDriftService,
    private readonly incidents: HormigueroIncidents,
    private readonly escalation: HormigueroEscalation,
    private readonly metrics: HormigueroMetrics,
    private readonly store: AntRunStore,
  ) {
    this.pressure = new PressureAnt(
      () => config.hormiguero.pressure,
      config.dataDir,
      Math.max(60_000, this.intervalMs('pressure')),
    );
    const ants: Ant[] = [
      new HealthAnt(history, () => healthWindowMs(config)),
      new DbAnt(() => nativeDb(dataSource), databasePath(config.dataDir), config),
      new FsDriftAnt(drift),
      this.pressure,
      new LogsAnt(humanLog, config.logsDir),
    ];
    this.ants = new Map(ants.map((a) => [a.name, a]));
  }

  /** Each ant's last run as recorded before a restart, for the status. */
  async onModuleInit(): Promise<void> {
    for (const ant of HORMIGUERO_ANTS) {
      try {
        const run = await this.store.latest(ant);
        if (run && !this.last.has(ant)) this.last.set(ant, run);
      } catch (err) {
        this.logger.warn(`last ${ant} run not read back: ${describeError(err)}`);
      }
    }
  }

  onModuleDestroy(): void {
    this.pressure.stop();
  }

  /** The ants the queen schedules (hormiguero.ants). */
  scheduledAnts(): AntName[] {
    return [...this.config.hormiguero.ants];
  }

  /** An ant's interval: hormiguero.antIntervalsSec[ant] or hormiguero.scanIntervalSec. */
  intervalMs(ant: AntName): number {
    const sec =
      this.config.hormiguero.antIntervalsSec?.[ant] ?? this.config.hormiguero.scanIntervalSec;
    return Math.max(50, Math.round(sec * 1000));
  }

  /** Each ant's latest run (none before its first). */
  lastRun(ant: AntName): AntRun | undefined {
    return this.last.get(ant);
  }

  /** Scans run since start (all ants, every trigger). */
  get scanCount(): number {
    return this.scans;
  }

  get lastPressure(): PressureReading | undefined {
    return this.pressure.lastReading;
  }

  /**
   * Runs the named ants now (all by default), in parallel, and answers their findings.
   * Unknown ant names are a 400 naming the ants.
   */
  async scanOnce(ants?: readonly string[], trigger: ScanTrigger = 'manual'): Promise<ScanReport> {
    const names = this.validate(ants);
    const started = new Date().toISOString();
    const runs = await Promise.all(names.map((a) => this.runAnt(a, trigger)));
    const findings = runs
      .flatMap((r) => r.findings)
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    return {
      scan_id: randomUUID(),
      started_at: started,
      finished_at: new Date().toISOString(),
      ants: runs,
      findings,
    };
  }

  /** Runs one ant (or joins its scan in progress); never throws: a failure is in the run. */
  runAnt(ant: AntName, trigger: ScanTrigger): Promise<AntRun> {
    let run = this.inFlight.get(ant);
    if (!run) {
      run = this.execute(ant, trigger).finally(() => this.inFlight.delete(ant));
      this.inFlight.set(ant, run);
    }
    return run;
  }

  /** Resolves once no scan is running (bounded by the caller). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Proves the finding → incident → resolve path end to end with a synthetic finding of its own
   * kind (`hormiguero.selftest`): it must open an incident, which must resolve after the
   * configured clean scans. Manifestator's `hormiguero_incidents` gate runs it.
   */
  async selfTest(): Promise<{
    ok: boolean;
    incident_id: string | null;
    opened: boolean;
    resolved_after_scans: number | null;
    reason: string | null;
  }> {
    const finding: Finding = {
      ant: 'health',
      kind: 'selftest.synthetic',
      title: `synthetic finding ${randomUUID()}`,
      severity: 'low',
      detail: 'synthetic finding of the hormiguero self-test; resolves by itself',
      evidence: {},
    };
    const first = await this.incidents.reconcile('selftest', [finding]);
    const id = first.raised[0] ?? null;
    if (!id || first.opened.length !== 1) {
      return {
        ok: false,
        incident_id: id,
        opened: false,
        resolved_after_scans: null,
        reason: 'the synthetic finding did not open an incident',
      };
    }
    const needed = this.config.hormiguero.cleanScansToResolve;
    for (let scan = 1; scan <= needed; scan++) {
      const changes = await this.incidents.reconcile('selftest', []);
      if (changes.resolved.includes(id)) {
        const ok = scan === needed;
        return {
          ok,
          incident_id: id,
          opened: true,
          resolved_after_scans: scan,
          reason: ok ? null : `resolved after ${scan} clean scans, expected ${needed}`,
        };
      }
    }
    return {
      ok: false,
      incident_id: id,
      opened: true,
      resolved_after_scans: null,
      reason: `not resolved after ${needed} clean scans`,
    };
  }

  private validate(ants?: readonly string[]): AntName[] {
    if (!ants || ants.length === 0) return [...HORMIGUERO_ANTS];
    const unknown = ants.filter((a) => !(HORMIGUERO_ANTS as readonly string[]).includes(a));
    if (unknown.length > 0) {
      throw new ApiError(
        HormigueroErrors.unknown_ant,
        `Unknown ants: ${unknown.join(', ')}; the ants are ${HORMIGUERO_ANTS.join(', ')}`,
        undefined,
        { ants: [...HORMIGUERO_ANTS] },
      );
    }
    return [...new Set(ants)] as AntName[];
  }

  private async execute(name: AntName, trigger: ScanTrigger): Promise<AntRun> {
    const ant = this.ants.get(name)!;
    const startedAt = Date.now();
    let findings: Finding[] | null = null;
    let error: string | null = null;
    try {
      findings = await ant.scan();
    } catch (err) {
      error = describeError(err);
      this.logger.warn(`ant ${name} failed: ${error}`);
    }
    const finishedAt = Date.now();
    this.scans += 1;
    this.metrics.scanned(name, trigger, (finishedAt - startedAt) / 1000, findings);
    let changes: IncidentChanges = { raised: [], opened: [], resolved: [], escalate: [] };
    let escalated = 0;
    if (findings) {
      try {
        changes = await this.incidents.reconcile(name, findings);
        escalated = await this.escalation.escalate(changes.escalate);
      } catch (err) {
        error = `incidents not updated: ${describeError(err)}`;
        this.logger.warn(`ant ${name}: ${error}`);
      }
    }
    const run: AntRun = {
      ant: name,
      trigger,
      started_at: new Date(startedAt).toISOString(),
      finished_at: new Date(finishedAt).toISOString(),
      duration_ms: finishedAt - startedAt,
      ok: findings !== null && error === null,
      error,
      findings: findings ?? [],
      incidents: {
        raised: changes.raised,
        opened: changes.opened,
        resolved: changes.resolved,
        escalated,
      },
    };
    this.last.set(name, run);
    try {
      await this.store.record(run);
    } catch (err) {
      this.logger.warn(`ant ${name} run not recorded: ${describeError(err)}`);
    }
    return run;
  }
}
