import { Module } from '@nestjs/common';
import { HermesModule } from '../../hermes/hermes.module';
import { SwitchModule } from '../../switch/switch.module';
import { MadrePowerModule } from '../power/power.module';
import { ChatChain } from './chat-chain.service';
import { LocalResponder } from './local-responder';
import { MadreChatController } from './madre-chat.controller';

/**
 * The chat chain every front uses — operator chat, /v1, plans' CALL_SWITCH steps, MCP: switch,
 * then madre (this tier), then the local degraded responder, which cannot fail.
 */
@Module({
  imports: [MadrePowerModule, HermesModule, SwitchModule],
  controllers: [MadreChatController],
  providers: [ChatChain, LocalResponder],
  exports: [ChatChain, LocalResponder],
})
export class MadreChatModule {}
