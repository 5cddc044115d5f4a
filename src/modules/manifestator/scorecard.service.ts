import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { nativeDb } from '../../core/database/native-db';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { ArchitectCycle } from '../madre/health/architect-cycle.service';
import { HealthSchedule } from '../madre/health/health.schedule';
import { MaintenanceScheduler } from '../madre/maintenance/maintenance.scheduler';
import {
  computeScore,
  Measurement,
  measureAutonomy,
  registerLiveMeasurements,
  ScoreMeasurements,
  ScoreSummary,
} from '../madre/maintenance/scorecard';
import type { FileDrift } from './drift';
import { DriftService } from './drift.service';
import { HormigueroBridge } from './hormiguero-bridge';
import { ManifestatorMetrics } from './manifestator-metrics';
import { RailsReport, RailsService } from './rails.service';

/** A rails evaluation older than this is not used by a maintenance run's scorecard. */
const RAILS_FRESH_MS = 3600_000;

export interface SchedulerCheck {
  name: string;
  expected_because: string;
  running: boolean;
}

export interface ScorecardReport extends ScoreSummary {
  generated_at: string;
  rails: {
    status: RailsReport['status'];
    checked_at: string;
    passed: number;
    failed: number;
    skipped: number;
  };
}

/** Lets the lifecycle report whether its own checker runs (it registers itself). */
export interface CheckerState {
  readonly checkerRunning: boolean;
}

/**
 * GET /manifestator/scorecard: the live measurements fed to madre's one scorecard computation
 * (madre/maintenance/scorecard.ts), which SCORECARD.json uses too. Registers a source of the
 * same live measurements for maintenance runs in this server.
 */
@Injectable()
export class ScorecardService implements OnModuleInit {
  private lastFiles: { measurement: Measurement; at: string } | undefined;
  private checker: CheckerState | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly drift: DriftService,
    private readonly rails: RailsService,
    private readonly hormiguero: HormigueroBridge,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: ManifestatorMetrics,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    registerLiveMeasurements(nativeDb(this.db), () => this.cachedMeasurements());
  }

  attachChecker(checker: CheckerState): void {
    this.checker = checker;
  }

  async scorecard(): Promise<ScorecardReport> {
    const rails = await this.rails.evaluate();
    const files = this.filesystem(await this.hormiguero.fileDrift());
    this.lastFiles = { measurement: files, at: new Date().toISOString() };
    const summary = computeScore({
      filesystem_order: files,
      routing_coherence: this.routing(),
      automation: this.automation(),
      autonomy: this.autonomy(),
      gates_passed: this.gatesOf(rails),
    });
    this.metrics.score(summary);
    return {
      generated_at: new Date().toISOString(),
      ...summary,
      rails: {
        status: rails.status,
        checked_at: rails.checked_at,
        passed: rails.passed,
        failed: rails.failed,
        skipped: rails.skipped,
      },
    };
  }

  /** What a maintenance run gets: fresh where synchronous, the last measured otherwise. */
  private cachedMeasurements(): ScoreMeasurements {
    const rails = this.rails.lastReport();
    const railsFresh = rails && Date.now() - Date.parse(rails.checked_at) < RAILS_FRESH_MS;
    return {
      routing_coherence: this.routing(),
      automation: this.automation(),
      autonomy: this.autonomy(),
      ...(this.lastFiles
        ? { filesystem_order: { ...this.lastFiles.measurement, measured_at: this.lastFiles.at } }
        : {}),
      ...(railsFresh
        ? { gates_passed: { ...this.gatesOf(rails), measured_at: rails.checked_at } }
        : {}),
    };
  }

  private filesystem(drift: FileDrift): Measurement {
    if (!drift.available) return { unmeasured: drift.reason };
    const drifted = drift.added.length + drift.removed.length + drift.changed.length;
    return {
      numerator: Math.max(0, drift.tracked - drifted),
      denominator: drift.tracked,
      source: 'hormiguero fs_drift',
      detail: {
        baseline_at: drift.baseline_at,
        added: drift.added.length,
        removed: drift.removed.length,
        changed: drift.changed.length,
      },
    };
  }

  private routing(): Measurement {
    const report = this.drift.routesOnly();
    const declared = report.manifest.routes;
    return {
      numerator: declared - report.missing_routes.length,
      denominator: declared,
      source: 'manifest vs live route table',
      detail: {
        missing: report.missing_routes.map((r) => `${r.method} ${r.path}`),
        extra_routes: report.extra_routes.length,
      },
    };
  }

  private find<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined;
    }
  }

  /** The schedulers that should run now, and whether each does. */
  schedulers(): SchedulerCheck[] {
    const checks: SchedulerCheck[] = [];
    if (this.registry.isActive('madre')) {
      checks.push({
        name: 'health_cycle',
        expected_because: 'madre is active',
        running: this.find(HealthSchedule)?.running ?? false,
      });
      checks.push({
        name: 'maintenance_worker',
        expected_because: 'madre is active (post_task and the nightly run)',
        running: this.find(MaintenanceScheduler)?.workerRunning ?? false,
      });
      checks.push({
        name: 'architect_cycle',
        expected_because: 'madre is active',
        running: this.find(ArchitectCycle)?.running ?? false,
      });
    }
    if (this.registry.isActive('hormiguero')) {
      checks.push({
        name: 'hormiguero_ants',
        expected_because: 'hormiguero is active',
        running: this.hormiguero.schedulerRunning() ?? false,
      });
    }
    if (this.registry.isActive('manifestator')) {
      checks.push({
        name: 'manifestator_checker',
        expected_because: 'manifestator is active',
        running: this.checker?.checkerRunning ?? false,
      });
    }
    return checks;
  }

  private automation(): Measurement {
    const checks = this.schedulers();
    return {
      numerator: checks.filter((c) => c.running).length,
      denominator: checks.length,
      source: 'in-process schedulers',
      detail: { schedulers: checks },
    };
  }

  private autonomy(): Measurement {
    return measureAutonomy(
      nativeDb(this.db),
      this.config.manifestator.autonomyWindowSec,
      new Date(),
    );
  }

  private gatesOf(rails: RailsReport): Measurement {
    const decided = rails.passed + rails.failed;
    if (decided === 0) return { unmeasured: 'every gate was skipped' };
    return {
      numerator: rails.passed,
      denominator: decided,
      source: 'manifestator rails',
      detail: {
        failed: rails.gates.filter((g) => g.status === 'failed').map((g) => g.name),
        skipped: rails.gates.filter((g) => g.status === 'skipped').map((g) => g.name),
      },
    };
  }
}
