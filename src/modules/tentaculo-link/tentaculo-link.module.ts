import { Module } from '@nestjs/common';
import { MadreIntentsModule } from '../madre/intents/intents.module';
import { MadreModule } from '../madre/madre.module';
import { IntentAliasController } from './intent-alias.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { StatusController } from './status.controller';
import { SystemStatusService } from './system-status.service';
import { WindowAliasController } from './window-alias.controller';
import { TentaculoLinkLifecycle } from './tentaculo-link.lifecycle';

/** tentaculo_link: the gateway, the single entrypoint (core, always active). */
@Module({
  imports: [MadreModule, MadreIntentsModule],
  controllers: [
    HealthController,
    StatusController,
    MetricsController,
    WindowAliasController,
    IntentAliasController,
  ],
  providers: [TentaculoLinkLifecycle, SystemStatusService],
  exports: [SystemStatusService],
})
export class TentaculoLinkModule {}
