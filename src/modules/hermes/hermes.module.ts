import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';
import { ChatStreamHub } from './chat-stream-hub.service';
import { EngineDiscovery } from './engine-discovery.service';
import { EngineRegistry } from './engine-registry.service';
import { EngineSelection } from './engine-selection.service';
import { EngineEntity } from './engine.entity';
import { HermesController } from './hermes.controller';
import { ProviderScoreboard } from './provider-scoreboard.service';
import { ProviderUsageEntity } from './provider-usage.entity';
import { ProviderSlots } from './provider-slots';
import { TierRouter } from './tier-router.service';

/**
 * hermes: the engine/provider registry, scores, budgets and the tier router. Its routes are
 * dormant with the module; switch and madre use the registry and router in any state.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EngineEntity, ProviderUsageEntity])],
  controllers: [HermesController],
  providers: [
    passiveLifecycle('hermes'),
    EngineRegistry,
    ProviderScoreboard,
    ProviderSlots,
    TierRouter,
    ChatStreamHub,
    EngineDiscovery,
    EngineSelection,
  ],
  exports: [
    EngineRegistry,
    ProviderScoreboard,
    ProviderSlots,
    TierRouter,
    ChatStreamHub,
    EngineSelection,
  ],
})
export class HermesModule implements OnApplicationBootstrap {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
  ) {}

  /** Today's token use and a breaker for every known provider, before the first chat. */
  async onApplicationBootstrap(): Promise<void> {
    await this.scoreboard.load(this.engines.list());
  }
}
