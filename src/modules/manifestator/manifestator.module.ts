import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MadreModule } from '../madre/madre.module';
import { DriftService } from './drift.service';
import { HormigueroBridge } from './hormiguero-bridge';
import { ManifestService } from './manifest.service';
import { ManifestatorController } from './manifestator.controller';
import { ManifestatorLifecycle } from './manifestator.lifecycle';
import { ManifestatorMetrics } from './manifestator-metrics';
import { RailsService } from './rails.service';
import { RouteInventory } from './route-inventory.service';
import { ScorecardService } from './scorecard.service';

/**
 * manifestator: the declared surface (config/manifest.json) against the live one — drift,
 * patch plans, the invariant rails and the readiness scorecard, all computed at request time.
 * Dormant by default; while active a timer keeps its metrics current.
 */
@Module({
  imports: [DiscoveryModule, MadreModule],
  controllers: [ManifestatorController],
  providers: [
    DriftService,
    HormigueroBridge,
    ManifestService,
    ManifestatorLifecycle,
    ManifestatorMetrics,
    RailsService,
    RouteInventory,
    ScorecardService,
  ],
  exports: [RailsService],
})
export class ManifestatorModule {}
