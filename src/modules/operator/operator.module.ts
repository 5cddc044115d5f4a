import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';
import { HermesModule } from '../hermes/hermes.module';
import { MadreModule } from '../madre/madre.module';
import { SwitchModule } from '../switch/switch.module';
import { TentaculoLinkModule } from '../tentaculo-link/tentaculo-link.module';
import { ChatMetrics } from './chat-metrics';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { ChatStore } from './chat-store.service';
import { LocalResponder } from './local-responder';
import { MetricsSampler } from './metrics-sampler.service';
import { OperatorApiController } from './operator-api.controller';
import { OperatorChatController } from './operator-chat.controller';
import { OperatorChatService } from './operator-chat.service';
import { OperatorHealthController } from './operator-health.controller';
import { OperatorSettingEntity } from './operator-setting.entity';
import { OperatorSettingsService } from './operator-settings.service';
import { OperatorStatusService } from './operator-status.service';

/** operator: the operator API and console (core, always active). */
@Module({
  imports: [
    TypeOrmModule.forFeature([OperatorSettingEntity]),
    MadreModule,
    SwitchModule,
    HermesModule,
    TentaculoLinkModule,
  ],
  controllers: [OperatorHealthController, OperatorChatController, OperatorApiController],
  providers: [
    passiveLifecycle('operator'),
    ChatMetrics,
    ChatRateLimiter,
    ChatStore,
    LocalResponder,
    MetricsSampler,
    OperatorChatService,
    OperatorSettingsService,
    OperatorStatusService,
  ],
})
export class OperatorModule {}
