import { Module } from '@nestjs/common';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';
import { HermesModule } from '../hermes/hermes.module';
import { MadreModule } from '../madre/madre.module';
import { SwitchModule } from '../switch/switch.module';
import { ChatMetrics } from './chat-metrics';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { ChatStore } from './chat-store.service';
import { LocalResponder } from './local-responder';
import { OperatorChatController } from './operator-chat.controller';
import { OperatorChatService } from './operator-chat.service';
import { OperatorHealthController } from './operator-health.controller';

/** operator: the operator API and console (core, always active). */
@Module({
  imports: [MadreModule, SwitchModule, HermesModule],
  controllers: [OperatorHealthController, OperatorChatController],
  providers: [
    passiveLifecycle('operator'),
    ChatMetrics,
    ChatRateLimiter,
    ChatStore,
    LocalResponder,
    OperatorChatService,
  ],
})
export class OperatorModule {}
