import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';
import { HermesModule } from '../hermes/hermes.module';
import { MadreModule } from '../madre/madre.module';
import { SwitchModule } from '../switch/switch.module';
import { TentaculoLinkModule } from '../tentaculo-link/tentaculo-link.module';
import { ChatMessageEntity } from './chat-message.entity';
import { ChatMetrics } from './chat-metrics';
import { ChatPersistenceReporter } from './chat-persistence-reporter';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { ChatSessionEntity } from './chat-session.entity';
import { ChatStore } from './chat-store.service';
import { OperatorChatStreamer } from './chat-streamer.service';
import { ChatWindowController } from './chat-window.controller';
import { HealthHistoryController } from './health-history.controller';
import { IncidentsController } from './incidents.controller';
import { IncidentPostmortemController } from './incident-postmortem.controller';
import { IncidentPostmortemService } from './incident-postmortem.service';
import { OperatorEventsController } from './operator-events.controller';
import { EventsModule } from '../events/events.module';
import { HealthUptimeController } from './health-uptime.controller';
import { HealthUptimeService } from './health-uptime.service';
import { MetricSampleEntity } from './metric-sample.entity';
import { MetricsSampler } from './metrics-sampler.service';
import { OperatorApiController } from './operator-api.controller';
import { OperatorChatController } from './operator-chat.controller';
import { OperatorChatService } from './operator-chat.service';
import { OperatorHealthController } from './operator-health.controller';
import { OperatorSettingEntity } from './operator-setting.entity';
import { OperatorSettingsService } from './operator-settings.service';
import { OperatorStatusService } from './operator-status.service';
import { OpenAiChatBodyPipe } from './v1/openai-chat-body.pipe';
import { OpenAiChatService } from './v1/openai-chat.service';
import { OpenAiController } from './v1/openai.controller';

/** operator: the operator API and console (core, always active). */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ChatSessionEntity,
      ChatMessageEntity,
      MetricSampleEntity,
      OperatorSettingEntity,
    ]),
    EventsModule,
    MadreModule,
    SwitchModule,
    HermesModule,
    TentaculoLinkModule,
  ],
  controllers: [
    OperatorHealthController,
    OperatorChatController,
    OperatorApiController,
    HealthUptimeController,
    ChatWindowController,
    HealthHistoryController,
    IncidentsController,
    IncidentPostmortemController,
    OperatorEventsController,
    OpenAiController,
  ],
  providers: [
    passiveLifecycle('operator'),
    OperatorChatStreamer,
    ChatMetrics,
    ChatPersistenceReporter,
    ChatRateLimiter,
    ChatStore,
    HealthUptimeService,
    IncidentPostmortemService,
    MetricsSampler,
    OperatorChatService,
    OperatorSettingsService,
    OperatorStatusService,
    OpenAiChatService,
    OpenAiChatBodyPipe,
  ],
  exports: [OperatorChatService],
})
export class OperatorModule {}
