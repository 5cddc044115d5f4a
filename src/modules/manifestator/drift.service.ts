import { Injectable } from '@nestjs/common';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { CANONICAL_TYPES } from '../events/canonical-types';
import { computeDrift, DriftReport, FileDrift } from './drift';
import { HormigueroBridge } from './hormiguero-bridge';
import { ManifestService } from './manifest.service';
import { ManifestatorMetrics } from './manifestator-metrics';
import { planPatch, PatchPlan } from './patchplan';
import { RouteInventory } from './route-inventory.service';

export type DriftScope = 'routes' | 'modules' | 'events' | 'files';

/** GET /manifestator/drift and POST /manifestator/patchplan: measure, then compare (drift.ts). */
@Injectable()
export class DriftService {
  constructor(
    private readonly manifests: ManifestService,
    private readonly inventory: RouteInventory,
    private readonly registry: ModuleRegistry,
    private readonly hormiguero: HormigueroBridge,
    private readonly metrics: ManifestatorMetrics,
  ) {}

  /** The drift without file drift (synchronous: what the scorecard's live source needs). */
  routesOnly(): DriftReport {
    return this.compute({ available: false, reason: 'not asked' });
  }

  async drift(): Promise<DriftReport> {
    const report = this.compute(await this.hormiguero.fileDrift());
    this.metrics.drift(report);
    return report;
  }

  async patchplan(scope?: readonly DriftScope[]): Promise<PatchPlan & { scope: DriftScope[] }> {
    const all: DriftScope[] = ['routes', 'modules', 'events', 'files'];
    const chosen = scope && scope.length > 0 ? all.filter((s) => scope.includes(s)) : all;
    const drift = chosen.includes('files')
      ? await this.drift()
      : this.compute({ available: false, reason: 'files not in scope' });
    const narrowed: DriftReport = {
      ...drift,
      missing_routes: chosen.includes('routes') ? drift.missing_routes : [],
      extra_routes: chosen.includes('routes') ? drift.extra_routes : [],
      modules: chosen.includes('modules')
        ? drift.modules
        : { ...drift.modules, missing: [], extra: [], category_mismatch: [] },
      events: chosen.includes('events')
        ? drift.events
        : { missing_canonical: [], extra_canonical: [], field_mismatch: [] },
    };
    return { ...planPatch(narrowed), scope: chosen };
  }

  private compute(files: FileDrift): DriftReport {
    return computeDrift({
      manifest: this.manifests.load(),
      manifestPath: this.manifests.path,
      live: this.inventory.list(),
      modules: this.registry.list().map((e) => ({
        name: e.meta.name,
        category: e.meta.category,
        state: e.state,
      })),
      canonical: CANONICAL_TYPES,
      files,
    });
  }
}
